using System.Text.Json.Nodes;
using MimeKit;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Groups;

/// <summary>
/// The mentors' and elevhälsan's digests on a night of hand-made pupils whose level and class are known: each holds only its
/// scope, a mentor of two classes gets one mail, a class without a mentor is the rektor's to hear of, and no night sends twice.
/// </summary>
public sealed class GroupDigestNightTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly DateOnly Start = new(2026, 9, 7);
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(Start, 20);
    private static readonly DateOnly AsOf = Days[^1];

    private static readonly TestSchool School = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private const string Eht = "eht@angsskolan.example.se";
    private const string Asa = "asa.oberg@angsskolan.example.se";

    // 20 days × 300 min: 600 min absent is 10 % (riskfrånvaro), 1,200 min 20 % (hög frånvaro).
    private static readonly TestPupil Fine = TestPupil.Create(2013, 3, 1, 11, "Alva", "Berg", "7A");
    private static readonly TestPupil AtRisk7A = TestPupil.Create(2013, 3, 3, 13, "Cia", "Ek", "7A");
    private static readonly TestPupil AtRisk7B = TestPupil.Create(2013, 3, 4, 14, "Dan", "Fors", "7B", boy: true);
    private static readonly TestPupil High7B = TestPupil.Create(2013, 3, 5, 15, "Eva", "Gran", "7B");
    private static readonly TestPupil AtRisk8A = TestPupil.Create(2012, 3, 6, 16, "Hugo", "Lind", "8A", boy: true);
    private static readonly TestPupil LongSpell8A = TestPupil.Create(2012, 3, 7, 17, "Ida", "Moberg", "8A");

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("group-digests");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_mentor_of_two_classes_gets_one_digest_with_both_and_elevhalsan_gets_hog_franvaro_and_the_long_spell()
    {
        var schools = WriteSchool(roster: true);
        using var host = await PipelineHost.StartAsync(db, schools, temp.Path);

        (await host.Get<NightlyRun>().RunAsync(AsOf, dryRun: true)).Succeeded.Should().BeTrue();

        var mails = await MailsAsync();
        mails.Keys.Should().BeEquivalentTo([School.RektorEmail, Asa, Eht], "8A has no mentor, and Åsa mentors both 7A and 7B");
        var mentor = mails[Asa].TextBody;
        mentor.Should().Contain("I dina klasser 7A och 7B").And.Contain("Cia E.").And.Contain("Dan F.").And.Contain("Eva G.");
        mentor.Should().NotContain("Hugo").And.NotContain("Ida").And.NotContain("Alva", "a mentor gets only their classes' pupils at a level");
        mentor.Should().Contain("Kontakta vårdnadshavarna").And.Contain("Den här gången har också rektor och elevhälsan fått var sin sammanfattning.");
        var eht = mails[Eht].TextBody;
        eht.Should().Contain("Eva G.").And.Contain("Ida M.").And.Contain("lång sammanhängande frånvaro");
        eht.Should().NotContain("Cia").And.NotContain("Dan").And.NotContain("Hugo", "elevhälsan gets hög frånvaro and long spells, not every riskfrånvaro");
        eht.Should().Contain("mentorerna i 7A och 7B har fått sina klassers elever");
        var rektor = mails[School.RektorEmail].TextBody;
        rektor.Should().Contain("Klass 8A har ingen mentor i skolans mentorslista").And.Contain("Den här gången har också elevhälsan fått");
        foreach (var message in mails.Values)
        {
            var raw = message.ToString();
            foreach (var pupil in new[] { Fine, AtRisk7A, AtRisk7B, High7B, AtRisk8A, LongSpell8A })
            {
                raw.Should().NotContain(pupil.Personnummer).And.NotContain(pupil.Personnummer.Replace("-", "")[2..]);
            }
        }
    }

    [Fact]
    public async Task Before_the_school_sends_a_roster_no_class_is_said_to_lack_a_mentor_and_no_mentor_is_written_to()
    {
        var schools = WriteSchool(roster: false);
        using var host = await PipelineHost.StartAsync(db, schools, temp.Path);

        (await host.Get<NightlyRun>().RunAsync(AsOf, dryRun: true)).Succeeded.Should().BeTrue();

        var mails = await MailsAsync();
        mails.Keys.Should().BeEquivalentTo([School.RektorEmail, Eht]);
        mails[School.RektorEmail].TextBody.Should().NotContain("ingen mentor").And.NotContain("mentorslista");
    }

    [Fact]
    public async Task Running_the_same_night_again_even_with_send_now_writes_no_group_digest_twice()
    {
        var schools = WriteSchool(roster: true);
        using var host = await PipelineHost.StartAsync(db, schools, temp.Path);
        var night = host.Get<NightlyRun>();

        await night.RunAsync(AsOf, dryRun: true);
        var first = await OutboxByGroupAsync();
        await night.RunAsync(AsOf, dryRun: true);
        await night.RunAsync(AsOf, dryRun: true, sendNow: true);

        first.Should().BeEquivalentTo(new Dictionary<string, long> { ["Rektor"] = 1, ["Mentor"] = 1, ["Elevhalsan"] = 1 });
        (await OutboxByGroupAsync()).Should().BeEquivalentTo(first, "each recipient is told once a night, whatever reruns it");
    }

    [Fact]
    public async Task A_rejected_roster_is_named_in_the_analysts_run_report_and_in_status_and_the_mentors_in_force_stay()
    {
        var schools = WriteSchool(roster: true);
        using (var host = await PipelineHost.StartAsync(db, schools, temp.Path,
            new Dictionary<string, string?> { ["Skolnarvaro:Notifications:OpsAddress"] = "analys@exempelstad.example.se" }))
        {
            await host.Get<NightlyRun>().RunAsync(AsOf, dryRun: true);
            File.WriteAllText(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "mentorer_2.csv"), "Klass;Mentor;E-post\n9Z;Per Ström;per.strom@angsskolan.example.se\n");
            var second = await host.Get<NightlyRun>().RunAsync(AsOf.AddDays(1), dryRun: true);

            var report = (await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"ops-run{second.RunId}.eml"))).TextBody;
            report.Should().Contain("Ängsskolan (11111111)").And.Contain("mentorslistan avvisades, mentorerna som gällde förut gäller fortfarande: mentorer_2.csv")
                .And.Contain("'9Z'");
        }

        var start = PipelineHost.CliStartInfo(db, schools, temp.Path, "status");
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        output.Should().Contain("Roster of 11111111 rejected, the mentors in force stay: mentorer_2.csv");
        (await MentorsInForceAsync()).Should().Equal(Asa, Asa);
    }

    private async Task<List<string>> MentorsInForceAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select email from class_mentor where valid_until is null order by class_name");
        await using var r = await cmd.ExecuteReaderAsync();
        var emails = new List<string>();
        while (await r.ReadAsync())
        {
            emails.Add(r.GetString(0));
        }

        return emails;
    }

    private string WriteSchool(bool roster)
    {
        var path = PipelineHost.WriteSchoolsFile(temp.Path, School);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["Skolnarvaro"]!["Schools"]![0]!["Elevhalsan"] = new JsonArray(new JsonObject { ["Name"] = "Elevhälsan", ["Email"] = Eht });
        File.WriteAllText(path, json.ToJsonString());
        var inbox = Path.Combine(temp.Path, "inbox", School.Skolenhetskod);
        TestExports.WriteDays(Path.Combine(inbox, "days.csv"), Days,
            (Fine, _ => 0),
            (AtRisk7A, i => i % 10 == 0 ? 300 : 0),               // 2 separate days: 10 %
            (AtRisk7B, i => i % 2 == 0 ? 66 : 0),                 // 660 min: 11 %, part days
            (High7B, i => i % 5 == 0 ? 300 : 0),                  // 4 whole days, never two in a row: 20 %
            (AtRisk8A, i => i % 2 == 1 ? 60 : 0),                 // 600 min: 10 %, part days
            (LongSpell8A, i => i is >= 12 and < 15 ? 300 : 0));  // three whole days in a row: 15 %, one long spell
        if (roster)
        {
            File.WriteAllText(Path.Combine(inbox, "mentorer.csv"), $"Klass;Mentor;E-post\n7A;Åsa Öberg;{Asa}\n7B;Åsa Öberg;{Asa}\n");
        }

        return path;
    }

    /// <summary>The night's mails by their one recipient's address.</summary>
    private async Task<Dictionary<string, MimeMessage>> MailsAsync()
    {
        var mails = new Dictionary<string, MimeMessage>();
        foreach (var file in Directory.GetFiles(Path.Combine(temp.Path, "digests"), "*.eml"))
        {
            var message = await MimeMessage.LoadAsync(file);
            mails.Add(message.To.Mailboxes.Single().Address, message);
        }

        return mails;
    }

    private async Task<Dictionary<string, long>> OutboxByGroupAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select recipient_group, count(*) from outbox where skolenhetskod is not null group by 1");
        await using var r = await cmd.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await r.ReadAsync())
        {
            counts[r.GetString(0)] = r.GetInt64(1);
        }

        return counts;
    }
}
