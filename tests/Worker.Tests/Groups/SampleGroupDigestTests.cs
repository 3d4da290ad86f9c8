using System.Diagnostics;
using System.Text.RegularExpressions;
using MimeKit;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Groups;

/// <summary>
/// run-once on the bundled sample, twice, as a real process: the mentors' and elevhälsan's mails counted pupil by pupil
/// against the school's own list in the database (the flags of the run and the pupils' classes), and the rerun sends nothing.
/// </summary>
public sealed partial class SampleGroupDigestTests(SampleGroupDigestTests.SampleNight night) : IClassFixture<SampleGroupDigestTests.SampleNight>
{
    /// <summary>The sample's night run once and then again, with what the folder and the outbox held after each.</summary>
    public sealed class SampleNight : IAsyncLifetime
    {
        private readonly TempDirectory temp = TestFiles.CreateTempDirectory("sample-groups");

        public TestDatabase Db { get; } = new();
        public string Log { get; private set; } = "";
        public IReadOnlyList<string> Mails { get; private set; } = [];
        public IReadOnlyList<string> MailsAfterRerun { get; private set; } = [];
        public long OutboxRows { get; private set; }
        public long OutboxRowsAfterRerun { get; private set; }
        public string Folder => Path.Combine(temp.Path, "digests");

        public async Task InitializeAsync()
        {
            await Db.InitializeAsync();
            Log = await RunOnceAsync();
            Mails = Directory.GetFiles(Folder, "*.eml");
            OutboxRows = await CountAsync("select count(*) from outbox where recipient_group <> 'Rektor'");
            await RunOnceAsync();
            MailsAfterRerun = Directory.GetFiles(Folder, "*.eml");
            OutboxRowsAfterRerun = await CountAsync("select count(*) from outbox where recipient_group <> 'Rektor'");
        }

        public async Task DisposeAsync()
        {
            await Db.DisposeAsync();
            temp.Dispose();
        }

        public async Task<long> CountAsync(string sql)
        {
            await using var cmd = Db.DataSource.CreateCommand(sql);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        private async Task<string> RunOnceAsync()
        {
            var start = PipelineHost.CliStartInfo(Db, TestFiles.InRepo("sample-data", "schools.json"), temp.Path, "run-once", "--dry-run");
            start.Environment["Skolnarvaro__Demo__Enabled"] = "true";
            start.Environment["Skolnarvaro__Demo__TrendModelFile"] = TestFiles.InRepo("sample-data", "trend-model.json");
            start.Environment["Skolnarvaro__Notifications__NameDisplay"] = "None";
            start.Environment["Skolnarvaro__Notifications__DryRunFolder"] = Folder;
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var log = (await stdout) + (await stderr);
            process.ExitCode.Should().Be(0, log);
            return log;
        }
    }

    [Fact]
    public async Task Each_mentors_digest_names_exactly_the_flagged_pupils_of_their_classes_and_every_mentor_with_such_pupils_gets_one()
    {
        var mentorMails = await MailsAsync("mentor");
        var expected = await MentorPupilsAsync();

        mentorMails.Keys.Should().BeEquivalentTo(expected.Keys, "one mail per mentor with pupils at a level in their classes, and none to the others");
        foreach (var (mentor, message) in mentorMails)
        {
            References(message).Should().BeEquivalentTo(expected[mentor], $"{mentor.Email}'s digest holds exactly their classes' flagged pupils");
        }
    }

    [Fact]
    public async Task A_mentor_of_two_classes_gets_one_mail_with_the_pupils_of_both()
    {
        var mentorMails = await MailsAsync("mentor");
        var classes = await MentorClassesAsync();
        var twoClasses = classes.Where(c => c.Value.Count >= 2 && mentorMails.ContainsKey(c.Key)).ToList();

        twoClasses.Should().NotBeEmpty("the sample has mentors of two parallel classes");
        foreach (var (mentor, theirs) in twoClasses)
        {
            Directory.GetFiles(night.Folder, $"digest-{mentor.School}-mentor-*.eml")
                .Count(f => MimeMessage.Load(f).To.Mailboxes.Single().Address == mentor.Email).Should().Be(1);
            var text = mentorMails[mentor].TextBody;
            foreach (var cls in theirs)
            {
                text.Should().Contain(cls);
            }
        }
    }

    [Fact]
    public async Task Each_schools_elevhalsan_digest_names_exactly_its_pupils_at_hog_franvaro_and_with_a_long_spell()
    {
        var healthMails = await MailsAsync("elevhalsan");

        healthMails.Select(m => m.Key.School).Should().BeEquivalentTo(["33726561", "85835001", "76139832", "53321611", "55309539", "74570926"]);
        foreach (var (who, message) in healthMails)
        {
            // High, or a long whole-day spell (the analysis's LongSpell pattern: 3 school days in a row by default) at a level.
            var expected = await ReferencesAsync("""
                select upper(encode(substr(f.pupil_key, 1, 3), 'hex')) from flag f
                where f.run_id = 1 and f.skolenhetskod = @school
                  and (f.level = 'High' or (f.level = 'AtRisk' and (f.figures_json ->> 'longestSpellDays')::int >= 3))
                """, who.School);
            References(message).Should().BeEquivalentTo(expected, $"elevhälsan at {who.School} gets the school's hög frånvaro and long spells");
        }
    }

    [Fact]
    public void Running_the_night_again_writes_no_group_digest_twice()
    {
        night.OutboxRows.Should().Be(night.Mails.Count(m => !RektorMail().IsMatch(Path.GetFileName(m)))).And.BePositive();
        night.OutboxRowsAfterRerun.Should().Be(night.OutboxRows);
        night.MailsAfterRerun.Where(m => !RektorMail().IsMatch(Path.GetFileName(m))).Should().BeEquivalentTo(
            night.Mails.Where(m => !RektorMail().IsMatch(Path.GetFileName(m))));
    }

    [Fact]
    public async Task With_a_mentor_for_every_class_the_rektors_digest_names_no_class_without_one_and_says_who_else_was_told()
    {
        foreach (var file in night.Mails.Where(m => RektorMail().IsMatch(Path.GetFileName(m))))
        {
            var text = (await MimeMessage.LoadAsync(file)).TextBody;
            text.Should().NotContain("ingen mentor");
            text.Should().Contain("Den här gången har också elevhälsan fått eleverna med hög frånvaro eller en lång sammanhängande frånvaro, och mentorerna i");
        }

        Regex.IsMatch(Regex.Replace(night.Log, @"\s+", " "), @"\d+ digests queued \(and \d+ to mentors, 6 to elevhälsan\)").Should()
            .BeTrue("run-once says how many mails the groups got beside the rektorer's digests");
    }

    private sealed record Who(string School, string Email);

    /// <summary>The run's mails of one group, by school and recipient.</summary>
    private async Task<Dictionary<Who, MimeMessage>> MailsAsync(string group)
    {
        var mails = new Dictionary<Who, MimeMessage>();
        foreach (var file in night.Mails.Where(m => Path.GetFileName(m).Contains($"-{group}-", StringComparison.Ordinal)))
        {
            var message = await MimeMessage.LoadAsync(file);
            mails.Add(new Who(Path.GetFileName(file)[7..15], message.To.Mailboxes.Single().Address), message);
        }

        return mails;
    }

    /// <summary>The pupils the mentor's digest should name: the run's flags of the school in the mentor's classes.</summary>
    private async Task<Dictionary<Who, HashSet<string>>> MentorPupilsAsync()
    {
        await using var cmd = night.Db.DataSource.CreateCommand("""
            select distinct m.skolenhetskod, m.email, upper(encode(substr(f.pupil_key, 1, 3), 'hex'))
            from class_mentor m
            join enrolment e on e.skolenhetskod = m.skolenhetskod and lower(e.class_name) = lower(m.class_name)
            join flag f on f.run_id = 1 and f.skolenhetskod = e.skolenhetskod and f.pupil_key = e.pupil_key
            where m.valid_until is null
            """);
        var pupils = new Dictionary<Who, HashSet<string>>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var who = new Who(r.GetString(0), r.GetString(1));
            pupils.TryAdd(who, []);
            pupils[who].Add(r.GetString(2));
        }

        return pupils;
    }

    private async Task<Dictionary<Who, List<string>>> MentorClassesAsync()
    {
        await using var cmd = night.Db.DataSource.CreateCommand("select skolenhetskod, email, class_name from class_mentor where valid_until is null");
        var classes = new Dictionary<Who, List<string>>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var who = new Who(r.GetString(0), r.GetString(1));
            classes.TryAdd(who, []);
            classes[who].Add(r.GetString(2));
        }

        return classes;
    }

    private async Task<HashSet<string>> ReferencesAsync(string sql, string school)
    {
        await using var cmd = night.Db.DataSource.CreateCommand(sql);
        cmd.Parameters.AddWithValue("school", school);
        var refs = new HashSet<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            refs.Add(r.GetString(0));
        }

        return refs;
    }

    private static HashSet<string> References(MimeMessage message) => [.. Reference().Matches(message.TextBody ?? "").Select(m => m.Groups[1].Value)];

    [GeneratedRegex(@"ref\. ([0-9A-F]{6})")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^digest-\d{8}-run\d")]
    private static partial Regex RektorMail();
}
