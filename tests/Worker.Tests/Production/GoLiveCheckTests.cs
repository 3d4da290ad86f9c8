using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// <c>skolnarvaro check</c> before the first night: the whole night on the real registry in a scratch database that is
/// dropped afterwards, digests as .eml files, and a login at the SMTP server that sends nothing.
/// </summary>
public sealed class GoLiveCheckTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TestSchool School = new("55555555", "Startskolan", "rektor@startskolan.example.se");
    private static readonly TestPupil Absent = TestPupil.Create(2013, 7, 1, 41, "Ella", "Borta", "8A");

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("check");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task The_check_runs_the_night_on_the_registry_sends_nothing_leaves_nothing_and_names_a_relay_that_refuses_TLS()
    {
        using var smtp = SmtpSink.StartNew();
        var schools = TestSchools.WriteFile(temp.Path, School);
        var days = TestExports.SchoolDays(new DateOnly(2026, 11, 2), 15);
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), days, (Absent, _ => 120));
        var relay = new Dictionary<string, string>
        {
            ["Skolnarvaro__Notifications__Smtp__Host"] = "127.0.0.1",
            ["Skolnarvaro__Notifications__Smtp__Port"] = smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };

        var (exit, output) = await RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "check"),
            At(Stockholm("2026-11-23 10:00"), new Dictionary<string, string>(relay) { ["Skolnarvaro__Notifications__Smtp__Security"] = "None" }));

        exit.Should().Be(0, output);
        output.Should().Contain("Ready for the first night").And.Contain("connected and logged in; nothing sent");
        Directory.GetFiles(Path.Combine(temp.Path, "out", "check"), "digest-55555555-*.eml", SearchOption.AllDirectories).Should().ContainSingle();
        smtp.Messages.Should().BeEmpty("the check sends nothing");
        (await Orchestration.OrchestrationHarness.CountAsync(db.DataSource, "select count(*) from import_file"))
            .Should().Be(0, "the production database is left as it was");
        (await Orchestration.OrchestrationHarness.CountAsync(db.DataSource,
            $"select count(*) from pg_database where datname like '{db.DatabaseName}_check_%'")).Should().Be(0, "the scratch database is dropped");

        var (tlsExit, tls) = await RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "check"), At(Stockholm("2026-11-23 10:05"), relay));

        tlsExit.Should().Be(1, tls);
        tls.Should().Contain("does not support the STARTTLS extension. With Security StartTls (the default)").And.Contain("Not ready");
    }
}
