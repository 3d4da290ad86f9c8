using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Tests.Orchestration;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// The whole bundled sample run once through the real command line, its digests received by a real SMTP server, and a real
/// worker process serving the rektor's page on its own port: what a rektor's browser meets.
/// </summary>
public sealed partial class RektorPageFixture : IAsyncLifetime
{
    public const string LinkKey = "test-link-key-0123456789abcdef0123456789";
    public const string AnalystEmail = "analytiker@exempelstad.example.se";
    public const string AnalystPassword = "test-analyst-password";
    // An account of its own for the guessing tests, which leave it locked for a minute.
    public const string GuessedAnalystEmail = "gissad@exempelstad.example.se";
    public const string GuessedAnalystPassword = "test-guessed-analyst-password";
    // People of the sample's two fristående huvudmän, each huvudman with one school.
    public const string KunskapstradetEmail = "karin.holm@kunskapstradet-skolor.example.se";
    public const string KunskapstradetPassword = "test-huvudman-kunskapstradet";
    public const string NorrvikEmail = "leo.berg@norrvik-education.example.se";
    public const string NorrvikPassword = "test-huvudman-norrvik";
    // The municipality's skolnärvaroteam serves Ekdalsskolan and Solbackens skola, not the other schools.
    public const string TeamEmail = "skolnarvaroteamet@exempelstad.example.se";
    public static readonly IReadOnlyList<string> TeamSchools = ["85835001", "53321611"];

    public TestDatabase Db { get; } = new();
    public SmtpSink Smtp { get; } = new();
    public TempDirectory Temp { get; } = TestFiles.CreateTempDirectory("rektor-page");
    public int Port { get; } = FreePort.Next();
    public string BaseUrl => $"http://127.0.0.1:{Port}";
    public WorkerProcess Worker { get; private set; } = null!;
    public TestIdentityProvider Idp { get; } = new();

    /// <summary>The first night's digests: one per rektor, each with its personal link.</summary>
    public IReadOnlyList<RektorMail> Digests { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Smtp.Start();
        await Idp.StartAsync();
        var (exit, log) = await RunOnceAsync();
        exit.Should().Be(0, log);
        // The night also writes to mentors and elevhälsan: wait for every mail it says it delivered, keep the rektorer's.
        var delivered = int.Parse(Delivered().Match(log).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var mails = await Smtp.WaitForMessagesAsync(delivered, TimeSpan.FromMinutes(1));
        Digests = mails.Select(m => MimeMessage.Load(new MemoryStream(m.Raw))).Where(m => SchoolOf().IsMatch(m.MessageId ?? "")).Select(Parse).ToList();
        Digests.Should().HaveCount(8, "the sample's six schools have eight rektorer");
        Worker = WorkerProcess.Start(Db, OrchestrationHarness.SampleSchools, Temp.Path, Smtp.Port, settings: ServedSettings(), dashboardPort: Port);
        await Worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
    }

    public async Task DisposeAsync()
    {
        Worker?.Dispose();
        await Idp.DisposeAsync();
        Smtp.Dispose();
        Temp.Dispose();
        await Db.DisposeAsync();
    }

    /// <summary>The nightly job over the sample, as a process, sending to the test SMTP server; <paramref name="asOf"/> for a later night.</summary>
    public async Task<(int ExitCode, string Log)> RunOnceAsync(DateOnly? asOf = null)
    {
        string[] args = asOf is { } d ? ["run-once", "--as-of", d.ToString("yyyy-MM-dd")] : ["run-once"];
        return await CliAsync(args);
    }

    /// <summary>A command of the command line over the sample, as a process, with the fixture's settings and SMTP server.</summary>
    public async Task<(int ExitCode, string Log)> CliAsync(params string[] args)
    {
        var start = PipelineHost.CliStartInfo(Db, OrchestrationHarness.SampleSchools, Temp.Path, args);
        foreach (var (key, value) in Settings())
        {
            start.Environment[key] = value;
        }

        start.Environment["Skolnarvaro__Notifications__Smtp__Host"] = "127.0.0.1";
        start.Environment["Skolnarvaro__Notifications__Smtp__Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Skolnarvaro__Notifications__Smtp__Security"] = "None";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>Each school's enrolled pupils, by the hex of their pupil key.</summary>
    public async Task<Dictionary<string, HashSet<string>>> EnrolledAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand("select skolenhetskod, encode(pupil_key, 'hex') from enrolment order by 1, 2");
        await using var r = await cmd.ExecuteReaderAsync();
        var result = new Dictionary<string, HashSet<string>>();
        while (await r.ReadAsync())
        {
            var school = r.GetString(0);
            (result.TryGetValue(school, out var set) ? set : result[school] = []).Add(r.GetString(1));
        }

        return result;
    }

    /// <summary>The legal steps recorded so far, at every school.</summary>
    public async Task<long> StepsAsync()
    {
        await using var cmd = Db.DataSource.CreateCommand("select count(*) from investigation_step");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Skolnarvaro__Demo__Enabled"] = "true",
        // "Elev (ref. 3F9A1C)": a digest names a pupil by the first bytes of the key the page's address carries.
        ["Skolnarvaro__Notifications__NameDisplay"] = "None",
        ["Skolnarvaro__Web__Enabled"] = "true",
        ["Skolnarvaro__Web__PublicUrl"] = BaseUrl,
        ["Skolnarvaro__Web__LinkKey"] = LinkKey,
        ["Skolnarvaro__Web__Analysts__0__Email"] = AnalystEmail,
        ["Skolnarvaro__Web__Analysts__0__Name"] = "Ada Analytiker",
        ["Skolnarvaro__Web__Analysts__0__Password"] = AnalystPassword,
        ["Skolnarvaro__Web__Analysts__1__Email"] = GuessedAnalystEmail,
        ["Skolnarvaro__Web__Analysts__1__Password"] = GuessedAnalystPassword,
        ["Skolnarvaro__Web__HuvudmanAccounts__0__Huvudman"] = "Kunskapsträdet Skolor AB",
        ["Skolnarvaro__Web__HuvudmanAccounts__0__Email"] = KunskapstradetEmail,
        ["Skolnarvaro__Web__HuvudmanAccounts__0__Name"] = "Karin Holm",
        ["Skolnarvaro__Web__HuvudmanAccounts__0__Password"] = KunskapstradetPassword,
        ["Skolnarvaro__Web__HuvudmanAccounts__1__Huvudman"] = "Norrvik International Education AB",
        ["Skolnarvaro__Web__HuvudmanAccounts__1__Email"] = NorrvikEmail,
        ["Skolnarvaro__Web__HuvudmanAccounts__1__Name"] = "Leo Berg",
        ["Skolnarvaro__Web__HuvudmanAccounts__1__Password"] = NorrvikPassword,
        ["Skolnarvaro__Web__Oidc__Authority"] = Idp.Authority,
        ["Skolnarvaro__Web__Oidc__ClientId"] = TestIdentityProvider.ClientId,
        ["Skolnarvaro__Web__Oidc__ClientSecret"] = TestIdentityProvider.ClientSecret,
        ["Skolnarvaro__Web__Oidc__RequireHttpsMetadata"] = "false",
        ["Skolnarvaro__Schools__1__Skolnarvaroteam__0__Name"] = "Skolnärvaroteamet",
        ["Skolnarvaro__Schools__1__Skolnarvaroteam__0__Email"] = TeamEmail,
        ["Skolnarvaro__Schools__3__Skolnarvaroteam__0__Name"] = "Skolnärvaroteamet",
        ["Skolnarvaro__Schools__3__Skolnarvaroteam__0__Email"] = TeamEmail,
    };

    /// <summary>The team's personal link to the schools it serves, signed as the worker signs it (the team's digest is another stage's).</summary>
    public string TeamLink() =>
        $"{BaseUrl.TrimEnd('/')}{Skolnarvaro.Web.SignInLinks.Path}?t=" + new Skolnarvaro.Web.SignInLinks(
                Microsoft.Extensions.Options.Options.Create(new Skolnarvaro.Web.WebOptions { PublicUrl = BaseUrl, LinkKey = LinkKey }), null!, TimeProvider.System)
            .Token(TeamEmail, TeamSchools, DateTimeOffset.UtcNow.AddDays(7), Skolnarvaro.Schools.RecipientGroup.Skolnarvaroteam);

    private static RektorMail Parse(MimeMessage m)
    {
        var text = m.TextBody ?? "";
        var link = Link().Match(text);
        link.Success.Should().BeTrue($"every digest carries a link to the school's page:\n{text}");
        return new RektorMail(m.To.Mailboxes.Single().Address, SchoolOf().Match(m.MessageId ?? "").Groups[1].Value, link.Value, text);
    }

    /// <summary>A pupil's reference as a digest shows it: the first three bytes of the key, upper case.</summary>
    public static string DigestReference(string pupilHex) => pupilHex[..6].ToUpperInvariant();

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/in\?t=[A-Za-z0-9_\-\.]+")]
    private static partial Regex Link();

    [GeneratedRegex(@"(\d+) mails delivered")]
    private static partial Regex Delivered();

    [GeneratedRegex(@"digest-(\d{8})-run")]
    private static partial Regex SchoolOf();
}

/// <summary>One rektor's digest: to whom, for which school, their link, the text.</summary>
public sealed record RektorMail(string Email, string School, string Link, string Text);

[CollectionDefinition(Name)]
public sealed class RektorPageCollection : ICollectionFixture<RektorPageFixture>
{
    public const string Name = "rektor's page";
}

/// <summary>A browser-like client: its own cookies, no automatic redirects, so each status is seen.</summary>
public sealed partial class PageClient : IDisposable
{
    private readonly HttpClient http;
    private readonly CookieContainer cookies = new();

    public PageClient(string baseUrl)
    {
        http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl) };
    }

    /// <summary>The client's cookie of that name, as the browser holds it (null: none).</summary>
    public Cookie? Cookie(string name) => cookies.GetCookies(http.BaseAddress!).FirstOrDefault(c => c.Name == name);

    /// <summary>Sends a cookie someone kept or copied, as if it were this client's own.</summary>
    public PageClient WithCookie(Cookie cookie)
    {
        cookies.Add(http.BaseAddress!, new Cookie(cookie.Name, cookie.Value, "/"));
        return this;
    }

    public void Dispose() => http.Dispose();

    /// <summary>Requests as if forwarded by the proxy on 127.0.0.1 for a browser at <paramref name="address"/>.</summary>
    public PageClient From(string address)
    {
        http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return this;
    }

    public async Task<(HttpStatusCode Status, string Html)> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    public async Task<(HttpStatusCode Status, string Location)> RedirectAsync(string path)
    {
        using var response = await http.GetAsync(path);
        return (response.StatusCode, response.Headers.Location?.ToString() ?? "");
    }

    public async Task<(HttpStatusCode Status, string Html, string? Location)> PostAsync(string path, IDictionary<string, string> form)
    {
        using var response = await http.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), response.Headers.Location?.ToString());
    }

    /// <summary>The antiforgery field of a page's form, as a browser would post it back.</summary>
    public static KeyValuePair<string, string> FormToken(string html)
    {
        var m = Token().Match(html);
        m.Success.Should().BeTrue("every page with a form carries the antiforgery field");
        return new(m.Groups[1].Value, m.Groups[2].Value);
    }

    /// <summary>Opens a digest's link and presses the button, as a rektor does: the session cookie is set.</summary>
    public async Task<string> SignInAsync(string link)
    {
        var (status, html) = await GetAsync(link);
        status.Should().Be(HttpStatusCode.OK, html);
        var token = new Uri(link).Query.TrimStart('?').Split('&').Single(p => p.StartsWith("t=", StringComparison.Ordinal))[2..];
        var (posted, body, location) = await PostAsync("/in", new Dictionary<string, string>([FormToken(html), new("t", token)]));
        posted.Should().Be(HttpStatusCode.SeeOther, body);
        return location!;
    }

    public static IReadOnlyList<string> PupilLinks(string html) => PupilHref().Matches(html).Select(m => m.Value).Distinct().ToList();

    [GeneratedRegex("name=\"(__skolnarvaro)\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("/skola/\\d{8}/elev/[0-9a-f]{64}")]
    private static partial Regex PupilHref();
}
