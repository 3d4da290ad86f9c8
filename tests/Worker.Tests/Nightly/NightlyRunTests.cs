using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>The nightly job end to end on hand-made pupils whose right level is known.</summary>
public sealed class NightlyRunTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly Start = new(2026, 9, 7);
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(Start, 20);
    private static readonly DateOnly AsOf = Days[^1];

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("nightly");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private static readonly TestSchool Flagged = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private static readonly TestSchool Calm = new("22222222", "Lugna skolan", "rektor@lugna.example.se", "Independent");

    // 20 days × 300 min = 6,000 min scheduled: 600 min absent is exactly 10 %, 1,200 min exactly 20 %.
    private static readonly TestPupil Fine = TestPupil.Create(2013, 3, 1, 11, "Alva", "Berg", "7A");
    private static readonly TestPupil JustBelow = TestPupil.Create(2013, 3, 2, 12, "Bo", "Dahl", "7A", boy: true);
    private static readonly TestPupil ExactlyTen = TestPupil.Create(2013, 3, 3, 13, "Cia", "Ek", "7A");
    private static readonly TestPupil Nineteen = TestPupil.Create(2013, 3, 4, 14, "Dan", "Fors", "7B", boy: true);
    private static readonly TestPupil ExactlyTwenty = TestPupil.Create(2013, 3, 5, 15, "Eva", "Gran", "7B");
    private static readonly TestPupil FiveDaysInARow = TestPupil.Create(2013, 3, 6, 16, "Filip", "Holm", "7B", boy: true);
    private static readonly TestPupil OtherSchool = TestPupil.Create(2012, 5, 7, 17, "Greta", "Ivarsson", "8A");

    private void WriteExports()
    {
        var inbox = Path.Combine(temp.Path, "inbox");
        TestExports.WriteDays(Path.Combine(inbox, Flagged.Skolenhetskod, "days.csv"), Days,
            (Fine, _ => 0),
            (JustBelow, i => i < 19 ? 31 : 0),                      // 589 min: 9.8 %
            (ExactlyTen, i => i < 2 ? 300 : 0),                    // 600 min: 10 %, two separate days
            (Nineteen, i => i % 2 == 0 ? 114 : 0),                 // 1,140 min: 19 %
            (ExactlyTwenty, i => i % 5 == 0 ? 300 : 0),            // 4 whole days, never two in a row: 20 %
            (FiveDaysInARow, i => i is >= 10 and < 15 ? 300 : 0)); // 25 % too, but the spell alone is enough
        TestExports.WriteDays(Path.Combine(inbox, Calm.Skolenhetskod, "days.csv"), Days, (OtherSchool, _ => 10));
    }

    [Fact]
    public async Task A_pupil_with_a_known_absence_share_gets_the_expected_level()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path);

        var summary = await host.Get<NightlyRun>().RunAsync(AsOf, dryRun: true);

        summary.Succeeded.Should().BeTrue();
        var levels = await LevelsByNameAsync(summary.RunId);
        levels.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Cia"] = "AtRisk",
            ["Dan"] = "AtRisk",
            ["Eva"] = "High",
            ["Filip"] = "High",
        });
    }

    [Fact]
    public async Task A_digest_is_written_for_a_school_with_flags_and_none_for_a_school_without()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path);

        var summary = await host.Get<NightlyRun>().RunAsync(AsOf, dryRun: true);

        var files = Directory.GetFiles(Path.Combine(temp.Path, "digests"), "*.eml");
        files.Should().ContainSingle().Which.Should().Contain(Flagged.Skolenhetskod);
        summary.Delivery.Sent.Should().Be(1);

        var message = await MimeMessage.LoadAsync(files[0]);
        message.To.Mailboxes.Select(m => m.Address).Should().Equal(Flagged.RektorEmail);
        message.Subject.Should().Contain("Ängsskolan").And.Contain("4 elever");
        var text = message.TextBody;
        text.Should().Contain("Cia E.").And.Contain("Eva G.").And.Contain("Filip H.").And.Contain("Dan F.");
        text.Should().NotContain("Alva").And.NotContain("Bo D.").And.NotContain("Greta", "a rektor only receives pupils of their own school");
        text.Should().Contain("Utred skyndsamt").And.Contain("Anmäl till huvudmannen");
        message.HtmlBody.Should().Contain("Filip H.");
        foreach (var pupil in new[] { Fine, JustBelow, ExactlyTen, Nineteen, ExactlyTwenty, FiveDaysInARow, OtherSchool })
        {
            var raw = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(files[0]));
            raw.Should().NotContain(pupil.Personnummer).And.NotContain(pupil.Personnummer.Replace("-", "")[2..]);
        }
    }

    [Fact]
    public async Task Running_the_same_night_twice_imports_nothing_new_and_sends_no_second_digest()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path);
        var run = host.Get<NightlyRun>();
        var first = await run.RunAsync(AsOf, dryRun: true);
        var facts = await CountAsync("select count(*) from attendance_fact");

        var second = await run.RunAsync(AsOf, dryRun: true);

        first.FilesImported.Should().Be(2);
        second.FilesImported.Should().Be(0);
        second.Schools.SelectMany(s => s.Imports).Should().BeEmpty("nothing was imported by the second run");
        second.Schools.Sum(s => s.FilesSeen).Should().Be(2, "both files were seen and recognised as imported before");
        (await CountAsync("select count(*) from attendance_fact")).Should().Be(facts);
        second.Digests.Should().Be(0);
        second.High.Should().Be(first.High);
        (await CountAsync("select count(*) from outbox")).Should().Be(1);
    }

    [Fact]
    public async Task A_pupil_still_at_a_level_is_reminded_only_once_the_cool_down_has_passed()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path,
            new Dictionary<string, string?> { ["Skolnarvaro:Notifications:ReminderCooldownDays"] = "14" });
        var run = host.Get<NightlyRun>();

        var first = await run.RunAsync(AsOf, dryRun: true);
        var weekLater = await run.RunAsync(AsOf.AddDays(7), dryRun: true);
        var twoWeeksLater = await run.RunAsync(AsOf.AddDays(14), dryRun: true);

        first.Schools.Single(s => s.Skolenhetskod == Flagged.Skolenhetskod).NewOrEscalated.Should().Be(4);
        weekLater.Schools.Sum(s => s.Reminded + s.NewOrEscalated).Should().Be(0, "nothing is new and the cool-down has not passed");
        weekLater.Digests.Should().Be(2, "no export came for a week: each school is told so, naming no pupil");
        var reminded = twoWeeksLater.Schools.Single(s => s.Skolenhetskod == Flagged.Skolenhetskod);
        reminded.Reminded.Should().Be(4);
        reminded.NewOrEscalated.Should().Be(0);
        var digest = await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"digest-{Flagged.Skolenhetskod}-run{twoWeeksLater.RunId}.eml"));
        digest.TextBody.Should().Contain("Påminnelse: 4 elever har fortfarande frånvaro över gränserna").And.Contain(" (påminnelse)");
        digest.TextBody.Should().Contain("Senaste närvaroexporten gäller till och med", "the school has sent nothing for two weeks");
    }

    [Fact]
    public async Task The_rektors_page_shows_the_data_quality_caveats_of_the_last_night_worded_as_its_digest()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path);
        var run = host.Get<NightlyRun>();
        var caveats = host.Get<SchoolCaveats>();
        (await caveats.ForSchoolAsync(Flagged.Skolenhetskod, default)).Should().BeEmpty("no night has analysed the school yet");

        await run.RunAsync(AsOf, dryRun: true);
        (await caveats.ForSchoolAsync(Flagged.Skolenhetskod, default)).Should().BeEmpty("the export is that night's");
        var later = await run.RunAsync(AsOf.AddDays(14), dryRun: true);
        var stale = await caveats.ForSchoolAsync(Flagged.Skolenhetskod, default);
        await run.RunAsync(AsOf.AddDays(7), dryRun: true);

        stale.Should().ContainSingle().Which.Should().StartWith("Senaste närvaroexporten gäller till och med")
            .And.Contain($"skoldagar före {DigestBuilder.Date(AsOf.AddDays(14))}");
        var digest = await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"digest-{Flagged.Skolenhetskod}-run{later.RunId}.eml"));
        digest.TextBody.Should().Contain(stale[0], "the page and the digest word the data's quality alike");
        (await caveats.ForSchoolAsync(Flagged.Skolenhetskod, default)).Should().Equal(stale, "an earlier night run later does not replace a later night's caveats");
    }

    [Fact]
    public async Task A_pupil_whose_investigation_the_rektor_recorded_is_not_reminded()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path,
            new Dictionary<string, string?> { ["Skolnarvaro:Notifications:ReminderCooldownDays"] = "14" });
        var run = host.Get<NightlyRun>();
        await run.RunAsync(AsOf, dryRun: true);
        var filip = await KeyOfAsync("Filip");
        await host.Get<Skolnarvaro.Analysis.Investigations.InvestigationStore>().RecordAsync(
            Flagged.Skolenhetskod, filip, Skolnarvaro.Analysis.Investigations.InvestigationStep.Started, AsOf.AddDays(1), "rektor@angsskolan.example.se");

        var twoWeeksLater = await run.RunAsync(AsOf.AddDays(14), dryRun: true);

        var reminded = twoWeeksLater.Schools.Single(s => s.Skolenhetskod == Flagged.Skolenhetskod);
        reminded.Reminded.Should().Be(3, "Filip's investigation is open: the rektor is acting on it");
        var digest = await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"digest-{Flagged.Skolenhetskod}-run{twoWeeksLater.RunId}.eml"));
        digest.TextBody.Should().Contain("Påminnelse: 3 elever har fortfarande frånvaro över gränserna").And.NotContain("Filip");
    }

    private async Task<byte[]> KeyOfAsync(string firstName)
    {
        await using var cmd = db.DataSource.CreateCommand("select pupil_key from pupil where first_name = @name");
        cmd.Parameters.AddWithValue("name", firstName);
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_analysts_get_a_run_report_that_names_a_stale_school()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, Flagged, Calm), temp.Path,
            new Dictionary<string, string?> { ["Skolnarvaro:Notifications:OpsAddress"] = "analys@exempelstad.example.se" });

        var summary = await host.Get<NightlyRun>().RunAsync(AsOf.AddDays(7), dryRun: true);

        var report = await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"ops-run{summary.RunId}.eml"));
        report.To.Mailboxes.Select(m => m.Address).Should().Equal("analys@exempelstad.example.se");
        report.Subject.Should().Contain("2 skolor att se över");
        report.TextBody.Should().Contain("Ängsskolan (11111111): ingen ny export sedan")
            .And.Contain("Lugna skolan (fristående)");
    }

    private async Task<Dictionary<string, string>> LevelsByNameAsync(long runId)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select p.first_name, f.level from flag f join pupil p using (pupil_key) where f.run_id = @run");
        cmd.Parameters.AddWithValue("run", runId);
        await using var r = await cmd.ExecuteReaderAsync();
        var levels = new Dictionary<string, string>();
        while (await r.ReadAsync())
        {
            levels[r.GetString(0)] = r.GetString(1);
        }

        return levels;
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
