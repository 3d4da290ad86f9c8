using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Web;
using Skolnarvaro.Worker.Tests.Orchestration;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// What a newcomer does with the bundled sample and nothing configured: <c>run-once</c> writes the digests as .eml files,
/// <c>worker</c> serves the rektor's page on this machine, and the link in a digest opens the school's list.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed partial class DemoPageTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("demo-page");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task In_demo_mode_the_link_in_a_digest_written_by_run_once_opens_the_schools_page_on_the_local_worker()
    {
        var port = FreePort.Next();
        var (exit, log) = await RunOnceAsync(port);
        exit.Should().Be(0, log);
        log.Should().NotContain("MB/s", "import progress is for a terminal; redirected output gets the steps only");
        var digest = Directory.GetFiles(Path.Combine(temp.Path, "digests"), "digest-????????-run*.eml").Order(StringComparer.Ordinal).First();
        var text = (await MimeMessage.LoadAsync(digest)).TextBody ?? "";
        var link = Link().Match(text);
        link.Success.Should().BeTrue($"a demo digest carries the rektor's personal link to the local worker:\n{text}");
        link.Value.Should().StartWith($"http://127.0.0.1:{port}/in?t=");

        using var worker = WorkerProcess.Start(db, OrchestrationHarness.SampleSchools, temp.Path, settings: NewcomerSettings(port), dashboardPort: port);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));
        using var browser = new PageClient($"http://127.0.0.1:{port}");
        var landing = await browser.SignInAsync(link.Value);
        var school = SchoolOf().Match(Path.GetFileName(digest)).Groups[1].Value;
        landing.Should().Be($"/skola/{school}");
        var (status, page) = await browser.GetAsync(landing);

        status.Should().Be(HttpStatusCode.OK, worker.Output);
        PageClient.PupilLinks(page).Should().NotBeEmpty("the school's list shows its pupils at a level");
        worker.Output.Should().Contain("Demo mode: the rektor's page signs its links with the public demo key");
    }

    [Fact]
    public async Task The_worker_logs_a_sign_in_a_step_recorded_and_withdrawn_and_its_shutdown_by_pseudonymous_ids_and_school_codes_only()
    {
        var port = FreePort.Next();
        var (exit, log) = await RunOnceAsync(port);
        exit.Should().Be(0, log);
        var digest = Directory.GetFiles(Path.Combine(temp.Path, "digests"), "digest-????????-run*.eml").Order(StringComparer.Ordinal).First();
        var mail = await MimeMessage.LoadAsync(digest);
        var rektor = mail.To.Mailboxes.Single();
        var school = SchoolOf().Match(Path.GetFileName(digest)).Groups[1].Value;
        using var worker = WorkerProcess.Start(db, OrchestrationHarness.SampleSchools, temp.Path, settings: NewcomerSettings(port), dashboardPort: port);
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(2));

        using var browser = new PageClient($"http://127.0.0.1:{port}");
        var (_, list) = await browser.GetAsync(await browser.SignInAsync(Link().Match(mail.TextBody ?? "").Value));
        var pupil = PageClient.PupilLinks(list).First();
        var (_, pupilPage) = await browser.GetAsync(pupil);
        var recorded = await browser.PostAsync($"{pupil}/steg",
            new Dictionary<string, string>([PageClient.FormToken(pupilPage), new("steg", "Started"), new("datum", "2026-11-20"), new("atgard", "spara")]));
        recorded.Status.Should().Be(HttpStatusCode.SeeOther, recorded.Html);
        var (_, afterSave) = await browser.GetAsync(recorded.Location!);
        var withdrawn = await browser.PostAsync($"{pupil}/steg",
            new Dictionary<string, string>([PageClient.FormToken(afterSave), new("steg", "Started"), new("atgard", "ta-bort"), new("bekraftat", "ja")]));
        withdrawn.Status.Should().Be(HttpStatusCode.SeeOther, withdrawn.Html);
        worker.Terminate();
        var (code, output) = await worker.WaitForExitAsync(TimeSpan.FromMinutes(1));

        code.Should().Be(0, output);
        var user = WebLog.UserId(rektor.Address);
        var reference = pupil[^64..^58].ToUpperInvariant();
        output.Should().Contain($"Signed in by digest link: Rektor {user}, {school}")
            .And.Contain($"Step Started recorded for pupil ref. {reference} at school {school}, dated 2026-11-20, by {user}")
            .And.Contain($"Step Started withdrawn for pupil ref. {reference} at school {school} by {user}")
            .And.Contain("stopping (shutdown requested)").And.Contain("stopped")
            .And.Contain("kept unencrypted in the database table web_key").And.NotContain("No XML encryptor configured").And.NotContain("null encryptor");
        output.Should().NotContain(rektor.Address).And.NotContain(rektor.Name).And.NotContain(pupil[^64..]);
    }

    [Fact]
    public void Outside_demo_mode_the_public_demo_link_key_is_refused()
    {
        var options = new WebOptions { PublicUrl = "https://skolnarvaro.exempelstad.se", LinkKey = WebOptions.DemoLinkKey };

        options.Validate(demo: false).Should().ContainSingle().Which.Should().Contain("public demo key").And.Contain("Skolnarvaro__Web__LinkKey");
        options.Validate(demo: true).Should().BeEmpty();
    }

    [Fact]
    public async Task Outside_demo_mode_nothing_turns_the_page_or_its_links_on_by_itself()
    {
        var (exit, log) = await RunOnceAsync(FreePort.Next(), demo: false);

        exit.Should().Be(0, log);
        var digests = Directory.GetFiles(Path.Combine(temp.Path, "digests"), "digest-????????-run*.eml");
        digests.Should().HaveCount(6, "one mail per school, to all its rektorer, when links are off");
        foreach (var digest in digests)
        {
            ((await MimeMessage.LoadAsync(digest)).TextBody ?? "").Should().NotContain("/in?t=");
        }
    }

    /// <summary>Demo mode as shipped: no key, no page settings, no dashboard credentials; only the port is the test's own.</summary>
    private static Dictionary<string, string> NewcomerSettings(int port) => new()
    {
        ["Skolnarvaro__Demo__Enabled"] = "true",
        ["Skolnarvaro__Pseudonymisation__Key"] = "",
        ["Skolnarvaro__Worker__Dashboard__Url"] = $"http://127.0.0.1:{port}",
        ["Skolnarvaro__Worker__Dashboard__Username"] = "",
        ["Skolnarvaro__Worker__Dashboard__Password"] = "",
    };

    private async Task<(int ExitCode, string Log)> RunOnceAsync(int port, bool demo = true)
    {
        var start = PipelineHost.CliStartInfo(db, OrchestrationHarness.SampleSchools, temp.Path, "run-once", "--as-of", "2026-11-20", "--send-now");
        foreach (var (key, value) in NewcomerSettings(port))
        {
            start.Environment[key] = value;
        }

        if (!demo)
        {
            start.Environment["Skolnarvaro__Demo__Enabled"] = "false";
            start.Environment["Skolnarvaro__Pseudonymisation__Key"] = PipelineHost.TestKey;
        }

        start.Environment["Skolnarvaro__Notifications__DryRunFolder"] = Path.Combine(temp.Path, "digests");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/in\?t=[A-Za-z0-9_\-\.]+")]
    private static partial Regex Link();

    [GeneratedRegex(@"digest-(\d{8})-run")]
    private static partial Regex SchoolOf();
}
