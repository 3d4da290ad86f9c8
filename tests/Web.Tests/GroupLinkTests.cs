using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Schools;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>The personal links of a school's mentors and elevhälsa, and what the pages say of whose view they are, without a server.</summary>
public sealed class GroupLinkTests
{
    private const string Key = "unit-test-link-key-0123456789abcdef01234";
    private static readonly DateTimeOffset Expires = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    private static SignInLinks Create()
    {
        var options = Options.Create(new WebOptions { PublicUrl = "https://skolnarvaro.example.se/", LinkKey = Key, LinkValidDays = 14 });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Schools:0:Skolenhetskod"] = "11111111",
            ["Skolnarvaro:Schools:0:Name"] = "Ängsskolan",
            ["Skolnarvaro:Schools:0:Rektorer:0:Email"] = "rektor@angsskolan.example.se",
            ["Skolnarvaro:Schools:0:Elevhalsan:0:Name"] = "Elin Kurator",
            ["Skolnarvaro:Schools:0:Elevhalsan:0:Email"] = "Elin.Kurator@angsskolan.example.se",
            ["Skolnarvaro:Schools:1:Skolenhetskod"] = "22222222",
            ["Skolnarvaro:Schools:1:Rektorer:0:Email"] = "rektor@bergaskolan.example.se",
        }).Build();
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 20, 6, 0, 0, TimeSpan.Zero));
        return new SignInLinks(options, new WebUsers(SchoolRegistry.Read(configuration), options), clock);
    }

    private static string TokenOf(string url) => url[(url.IndexOf("t=", StringComparison.Ordinal) + 2)..];

    private static string Payload(string token) => Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(token.Split('.')[0]));

    [Fact]
    public void A_mentors_and_elevhalsans_link_name_their_group_and_their_one_school()
    {
        var links = Create();

        var mentor = links.ForRecipient("11111111", RecipientGroup.Mentor, "Asa.Oberg@angsskolan.example.se")!;
        var eht = links.ForRecipient("11111111", RecipientGroup.Elevhalsan, "elin.kurator@angsskolan.example.se")!;

        var (check, claim) = links.Check(TokenOf(mentor.Url));
        check.Should().Be(LinkCheck.Valid);
        claim!.Group.Should().Be(RecipientGroup.Mentor);
        claim.Email.Should().Be("asa.oberg@angsskolan.example.se");
        claim.Schools.Should().Equal("11111111");
        mentor.ValidUntil.Should().Be("4 december 2026", "a group's link holds as long as a rektor's");
        links.Check(TokenOf(eht.Url)).Item2!.Group.Should().Be(RecipientGroup.Elevhalsan);
    }

    [Fact]
    public void A_rektors_token_is_signed_as_before_and_still_reads_as_a_rektors()
    {
        var links = Create();
        var url = links.ForRecipient("11111111", RecipientGroup.Rektor, "rektor@angsskolan.example.se")!.Url;

        Payload(TokenOf(url)).Split('\n').Should().HaveCount(3, "address, schools and expiry: a link mailed before the groups existed reads the same");
        links.Check(TokenOf(url)).Item2!.Group.Should().Be(RecipientGroup.Rektor);
        links.ForRecipient("11111111", RecipientGroup.Rektor, "rektor@bergaskolan.example.se").Should().BeNull("not rektor of that school");
    }

    [Fact]
    public void No_link_for_an_address_the_registry_does_not_give_elevhalsan_nor_yet_for_the_skolnarvaroteam()
    {
        var links = Create();

        links.ForRecipient("22222222", RecipientGroup.Elevhalsan, "elin.kurator@angsskolan.example.se").Should().BeNull("she is in another school's elevhälsa");
        links.ForRecipient("11111111", RecipientGroup.Elevhalsan, "rektor@angsskolan.example.se").Should().BeNull();
        links.ForRecipient("11111111", RecipientGroup.Skolnarvaroteam, "team@exempelstad.example.se").Should().BeNull();
    }

    [Fact]
    public void A_group_changed_in_a_signed_token_or_a_rektor_group_spelled_out_makes_it_tampered()
    {
        var links = Create();
        var token = links.Token("asa.oberg@angsskolan.example.se", ["11111111"], Expires, RecipientGroup.Mentor);
        var signature = token.Split('.')[1];

        foreach (var forged in new[] { "Elevhalsan", "Rektor", "Skolnarvaroteam", "mentor", "1", "" })
        {
            var payload = Payload(token).Replace("\nMentor", forged.Length == 0 ? "" : $"\n{forged}", StringComparison.Ordinal);
            links.Check($"{WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(payload))}.{signature}").Item1
                .Should().Be(LinkCheck.Tampered, $"the group was changed to '{forged}' without the key");
        }

        // Even signed with the key, "Rektor" or a number is no group: a rektor's token has no fourth field.
        foreach (var named in new[] { "Rektor", "0", "Mentor,Elevhalsan", "Mentor\nMentor" })
        {
            var payload = Encoding.UTF8.GetBytes($"asa.oberg@angsskolan.example.se\n11111111\n{Expires.ToUnixTimeSeconds()}\n{named}");
            var signed = $"{WebEncoders.Base64UrlEncode(payload)}.{WebEncoders.Base64UrlEncode(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(Key), payload))}";
            links.Check(signed).Item1.Should().Be(LinkCheck.Tampered, $"'{named.Replace("\n", "\\n", StringComparison.Ordinal)}' is not a group's name");
        }
    }

    [Fact]
    public void A_mentors_page_says_whose_view_it_is_and_shows_no_steps_elevhalsan_sees_them_without_buttons()
    {
        var school = new WebSchool("11111111", "Ängsskolan", false, ["rektor@angsskolan.example.se"]);
        var list = WebPages.List(school, [], null, null, 10, _ => 0);
        var mentor = new PageViewer(new PageScope(["11111111"], ["5B", "4A", "10C"]), RecipientGroup.Mentor);
        var eht = new PageViewer(new PageScope(["11111111"]), RecipientGroup.Elevhalsan);

        WebPages.ForViewer(list, mentor, school).Should().Match<ListPage>(p =>
            p.Heading == "Mentor för 4A, 5B och 10C, Ängsskolan" && !p.ShowsSteps && p.Note!.Contains("i dina klasser"));
        WebPages.ViewerHeading(mentor with { Scope = new PageScope(["11111111"], ["4A", "5B"]) }, school).Should().Be("Mentor för 4A och 5B, Ängsskolan");
        WebPages.ForViewer(list, eht, school).Should().Match<ListPage>(p => p.Heading == "Elevhälsan, Ängsskolan" && p.ShowsSteps);
        WebPages.ForViewer(list, new PageViewer(new PageScope(["11111111"]), null), school).Should().Be(list, "a rektor's list is as built");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;

        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
    }
}
