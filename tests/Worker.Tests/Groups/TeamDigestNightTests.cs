using System.Text.Json.Nodes;
using MimeKit;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Groups;

/// <summary>
/// The skolnärvaroteam's digest on real nights: one mail per team address across the schools that list it, holding only the
/// pupils whose support was requested and not ended, told once a night; the schools' digests say the team was told.
/// </summary>
public sealed class TeamDigestNightTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 20);
    private static readonly DateOnly GoLive = Days[^1];                 // Friday 2 October: every digest's first, on exports to the day before
    private static readonly DateOnly Monday = new(2026, 10, 5);         // the weekly digest day after it, on exports to 2 October

    private static readonly TestSchool Angs = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private static readonly TestSchool Bjork = new("22222222", "Björkskolan", "rektor@bjorkskolan.example.se");
    private static readonly TestSchool Other = new("33333333", "Friskolan Eken", "rektor@eken.example.se", "Independent");
    private const string Team = "skolnarvaroteamet@exempelstad.example.se";
    private const string Eht = "eht@angsskolan.example.se";

    // 300 min a day; a whole day absent in 4 of 19 or 20 days is 20 % or more (hög frånvaro), in 3 of 19 riskfrånvaro.
    private static readonly TestPupil Requested = TestPupil.Create(2013, 3, 5, 15, "Eva", "Gran", "7B");
    private static readonly TestPupil Ended = TestPupil.Create(2012, 3, 7, 17, "Ida", "Moberg", "8A");
    private static readonly TestPupil NotRequested = TestPupil.Create(2013, 3, 4, 14, "Dan", "Fors", "7B", boy: true);
    private static readonly TestPupil RequestedAtBjork = TestPupil.Create(2014, 4, 2, 22, "Saga", "Holm", "6A");
    private static readonly TestPupil RequestedElsewhere = TestPupil.Create(2014, 5, 3, 23, "Omar", "Said", "6B", boy: true);

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("team-digests");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task The_team_gets_one_mail_across_its_schools_with_only_the_pupils_whose_support_was_requested_and_not_ended()
    {
        using var host = await PipelineHost.StartAsync(db, WriteSchools(), temp.Path);
        var night = host.Get<NightlyRun>();
        (await night.RunAsync(GoLive, dryRun: true)).Succeeded.Should().BeTrue();
        await RequestSupportAsync(Angs, "Eva");
        await RequestSupportAsync(Angs, "Ida", ended: true);
        await RequestSupportAsync(Bjork, "Saga");
        await RequestSupportAsync(Other, "Omar");
        WriteExports(Days, "days-2.csv");
        var before = MailFiles();

        (await night.RunAsync(Monday, dryRun: true)).Succeeded.Should().BeTrue();

        var mails = await MailsAsync(MailFiles().Except(before));
        var team = mails.Where(m => m.To.Mailboxes.Single().Address == Team).Should().ContainSingle("one mail per team address, across its schools").Subject;
        team.Subject.Should().Be("Skolnärvaroteamet: 2 elever med stöd begärt, 2 nya");
        team.TextBody.Should().Contain("Eva G., 7B, Ängsskolan (ny begäran)").And.Contain("Saga H., 6A, Björkskolan (ny begäran)")
            .And.Contain("Väntar på att stödet påbörjas · begärt 1 oktober");
        team.TextBody.Should().NotContain("Ida", "her support has ended").And.NotContain("Dan", "no support was requested for him")
            .And.NotContain("Omar", "Friskolan Eken does not list this team");
        team.TextBody.Should().Contain("Skolornas egna sammanfattningar den här gången: rektor och elevhälsan på Ängsskolan.", "Björkskolan had no news for its rektor");
        foreach (var pupil in new[] { Requested, Ended, NotRequested, RequestedAtBjork, RequestedElsewhere })
        {
            team.ToString().Should().NotContain(pupil.Personnummer).And.NotContain(pupil.Personnummer.Replace("-", "")[2..]);
        }

        var rektor = mails.Single(m => m.To.Mailboxes.Single().Address == Angs.RektorEmail).TextBody;
        rektor.Should().Contain("Skolnärvaroteamet har fått den elev skolan har begärt stöd för.");
        mails.Single(m => m.To.Mailboxes.Single().Address == Eht).TextBody.Should().Contain("skolnärvaroteamet fått var sin sammanfattning");
    }

    [Fact]
    public async Task Running_the_night_again_even_with_send_now_writes_no_second_team_mail_and_a_team_with_nothing_requested_gets_none()
    {
        using var host = await PipelineHost.StartAsync(db, WriteSchools(), temp.Path);
        var night = host.Get<NightlyRun>();
        await night.RunAsync(GoLive, dryRun: true);
        (await TeamMailsAsync()).Should().Be(0, "no school has asked for support yet");

        await RequestSupportAsync(Angs, "Eva");
        WriteExports(Days, "days-2.csv");
        await night.RunAsync(Monday, dryRun: true);
        await night.RunAsync(Monday, dryRun: true);
        await night.RunAsync(Monday, dryRun: true, sendNow: true);

        (await TeamMailsAsync()).Should().Be(1, "the team is told once a night, whatever reruns it");
    }

    /// <summary>The rektor's steps up to "Stöd begärt" on 1 October; with <paramref name="ended"/>, the team's start and end too.</summary>
    private async Task RequestSupportAsync(TestSchool school, string firstName, bool ended = false)
    {
        var store = new InvestigationStore(db.DataSource, TimeProvider.System);
        var key = await PupilKeyAsync(school, firstName);
        await store.RecordAsync(school.Skolenhetskod, key, InvestigationStep.Started, new DateOnly(2026, 9, 21), "rektor");
        await store.RecordAsync(school.Skolenhetskod, key, InvestigationStep.Reported, new DateOnly(2026, 9, 28), "rektor");
        await store.RecordAsync(school.Skolenhetskod, key, InvestigationStep.SupportRequested, new DateOnly(2026, 10, 1), "rektor");
        if (ended)
        {
            await store.RecordAsync(school.Skolenhetskod, key, InvestigationStep.SupportStarted, new DateOnly(2026, 10, 2), Team);
            await store.RecordAsync(school.Skolenhetskod, key, InvestigationStep.SupportEnded, new DateOnly(2026, 10, 2), Team);
        }
    }

    private async Task<byte[]> PupilKeyAsync(TestSchool school, string firstName)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select e.pupil_key from enrolment e join pupil p using (pupil_key) where e.skolenhetskod = @school and p.first_name = @name");
        cmd.Parameters.AddWithValue("school", school.Skolenhetskod);
        cmd.Parameters.AddWithValue("name", firstName);
        return (byte[])(await cmd.ExecuteScalarAsync())!;
    }

    private string WriteSchools()
    {
        var path = PipelineHost.WriteSchoolsFile(temp.Path, Angs, Bjork, Other);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        var schools = json["Skolnarvaro"]!["Schools"]!;
        schools[0]!["Elevhalsan"] = new JsonArray(new JsonObject { ["Name"] = "Elevhälsan", ["Email"] = Eht });
        foreach (var i in new[] { 0, 1 })
        {
            schools[i]!["Skolnarvaroteam"] = new JsonArray(new JsonObject { ["Name"] = "Skolnärvaroteamet", ["Email"] = Team });
        }

        File.WriteAllText(path, json.ToJsonString());
        WriteExports(Days.SkipLast(1).ToList(), "days.csv");
        return path;
    }

    /// <summary>
    /// Each school's export of <paramref name="days"/>. Dan is at riskfrånvaro on 19 days and at hög frånvaro on 20: Monday's
    /// export gives the rektor news, so the rektor's digest goes that night.
    /// </summary>
    private void WriteExports(IReadOnlyList<DateOnly> days, string file)
    {
        string In(TestSchool school) => Path.Combine(temp.Path, "inbox", school.Skolenhetskod, file);
        TestExports.WriteDays(In(Angs), days,
            (Requested, i => i % 5 == 0 ? 300 : 0), (Ended, i => i % 5 == 1 ? 300 : 0), (NotRequested, i => i is 2 or 7 or 12 or 19 ? 300 : 0));
        TestExports.WriteDays(In(Bjork), days, (RequestedAtBjork, i => i % 5 == 0 ? 300 : 0));
        TestExports.WriteDays(In(Other), days, (RequestedElsewhere, i => i % 5 == 0 ? 300 : 0));
    }

    private string[] MailFiles() => Directory.GetFiles(Path.Combine(temp.Path, "digests"), "*.eml");

    private static async Task<List<MimeMessage>> MailsAsync(IEnumerable<string> files)
    {
        var mails = new List<MimeMessage>();
        foreach (var file in files)
        {
            mails.Add(await MimeMessage.LoadAsync(file));
        }

        return mails;
    }

    private async Task<long> TeamMailsAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select count(*) from outbox where recipient_group = 'Skolnarvaroteam'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
