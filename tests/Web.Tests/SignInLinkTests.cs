using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>The personal links and the pages' templates, without a server.</summary>
public sealed class SignInLinkTests : IDisposable
{
    private const string Key = "unit-test-link-key-0123456789abcdef01234";
    private readonly TempDirectory folder = TestFiles.CreateTempDirectory("web-templates");

    public void Dispose() => folder.Dispose();

    private static (SignInLinks Links, Clock Clock) Create(string key = Key)
    {
        var options = Options.Create(new WebOptions { PublicUrl = "https://skolnarvaro.example.se/", LinkKey = key, LinkValidDays = 14 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Schools:0:Skolenhetskod"] = "11111111",
            ["Skolnarvaro:Schools:0:Name"] = "Ängsskolan",
            ["Skolnarvaro:Schools:0:Rektorer:0:Email"] = "Rektor@Angsskolan.example.se",
            ["Skolnarvaro:Schools:1:Skolenhetskod"] = "22222222",
            ["Skolnarvaro:Schools:1:Rektorer:0:Email"] = "rektor@angsskolan.example.se",
        }).Build();
        var clock = new Clock { Now = new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero) };
        return (new SignInLinks(options, new WebUsers(SchoolRegistry.Read(configuration), options), clock), clock);
    }

    [Fact]
    public void A_link_names_the_rektor_and_all_their_schools_and_holds_to_the_end_of_its_last_day_school_time()
    {
        var (links, clock) = Create();

        var link = links.ForSchool("11111111").Should().ContainSingle().Which;

        link.Key.Should().Be("rektor@angsskolan.example.se");
        link.Value.ValidUntil.Should().Be("4 december 2026");
        link.Value.Url.Should().StartWith("https://skolnarvaro.example.se/in?t=");
        var token = link.Value.Url[(link.Value.Url.IndexOf("t=", StringComparison.Ordinal) + 2)..];
        var (check, claim) = links.Check(token);
        check.Should().Be(LinkCheck.Valid);
        claim!.Schools.Should().Equal("11111111", "22222222");

        clock.Now = new DateTimeOffset(2026, 12, 4, 22, 59, 0, TimeSpan.Zero); // 23:59 in Stockholm on the last day
        links.Check(token).Item1.Should().Be(LinkCheck.Valid);
        clock.Now = new DateTimeOffset(2026, 12, 4, 23, 0, 0, TimeSpan.Zero);
        links.Check(token).Item1.Should().Be(LinkCheck.Expired);
    }

    [Fact]
    public void A_changed_byte_anywhere_or_another_key_makes_the_link_tampered()
    {
        var (links, _) = Create();
        var token = links.Token("rektor@angsskolan.example.se", ["11111111"], new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }

            var changed = token[..i] + (token[i] == 'A' ? 'B' : 'A') + token[(i + 1)..];
            links.Check(changed).Item1.Should().Be(LinkCheck.Tampered, $"character {i} was changed");
        }

        Create("another-link-key-0123456789abcdef0123456").Links.Check(token).Item1.Should().Be(LinkCheck.Tampered);
        links.Check("").Item1.Should().Be(LinkCheck.Tampered);
        links.Check("no-dot").Item1.Should().Be(LinkCheck.Tampered);
        links.Check("a.b.c").Item1.Should().Be(LinkCheck.Tampered);
    }

    [Fact]
    public void A_short_key_or_a_public_address_without_a_key_is_refused_at_start()
    {
        new WebOptions { LinkKey = "short" }.Validate().Should().ContainSingle().Which.Should().Contain("at least 32 characters");
        new WebOptions { PublicUrl = "https://x.example.se" }.Validate().Should().ContainSingle().Which.Should().Contain("LinkKey is not");
        new WebOptions { PublicUrl = "ftp://x", LinkKey = Key }.Validate().Should().ContainSingle().Which.Should().Contain("PublicUrl");
    }

    [Fact]
    public void Links_that_do_not_hold_from_many_addresses_together_close_link_sign_in_for_every_address_for_the_minute()
    {
        using var throttle = new SignInThrottle(Options.Create(new WebOptions { SignInAttemptsPerMinute = 2 }));

        for (var i = 0; i < 20; i++)
        {
            throttle.LinksOpen($"10.0.0.{i}").Should().BeTrue($"address {i} has made one attempt only");
            throttle.LinkFailed($"10.0.0.{i}");
        }

        throttle.LinksOpen("10.0.1.1").Should().BeFalse("twenty failures from twenty addresses are ten times one address's limit");
    }

    [Fact]
    public void Password_attempts_count_against_the_account_whatever_its_case_or_spaces()
    {
        using var throttle = new SignInThrottle(Options.Create(new WebOptions { SignInAttemptsPerMinute = 3 }));

        new[] { "ada@example.se", " ADA@example.se", "Ada@Example.se " }.Should().OnlyContain(e => throttle.TryPassword(e));

        throttle.TryPassword("ada@example.se").Should().BeFalse();
        throttle.TryPassword("bo@example.se").Should().BeTrue("another account has its own attempts");
    }

    [Fact]
    public void The_shipped_page_templates_render_every_page_and_a_broken_one_names_file_line_and_column()
    {
        new Action(() => _ = new WebRenderer(TestFiles.InRepo("templates"))).Should().NotThrow();

        var web = Directory.CreateDirectory(Path.Combine(folder.Path, "web")).FullName;
        foreach (var file in Directory.GetFiles(TestFiles.InRepo("templates", "web")))
        {
            File.Copy(file, Path.Combine(web, Path.GetFileName(file)));
        }

        File.AppendAllText(Path.Combine(web, "pupil.html.sbn"), "\n<p>{{ page.personnummer }}</p>\n");
        var error = new Action(() => _ = new WebRenderer(folder.Path)).Should().Throw<TemplateException>().Which.Message;
        error.Should().Contain("pupil.html.sbn").And.MatchRegex(@"\(\d+,\d+\)");
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    }
}
