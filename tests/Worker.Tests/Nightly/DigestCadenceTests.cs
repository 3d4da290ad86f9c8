using System.Text.RegularExpressions;
using MimeKit;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>
/// Levels are computed every night, but a weekly school hears once a week: its first digest is an overview, then each
/// Monday's digest tells what is new since the last one, one entry per pupil.
/// </summary>
public sealed class DigestCadenceTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    // Six school weeks from Monday 7 September 2026; the school goes live on Monday 21 September (day 10).
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 30);
    private static readonly TestSchool School = new("11111111", "Veckoskolan", "rektor@veckoskolan.example.se");

    // 30 % of every day: hög frånvaro from the tenth day on, and told about in the first digest.
    private static readonly TestPupil Steady = TestPupil.Create(2013, 3, 1, 11, "Sara", "Stadig", "7A");
    // Absent Monday (9,1 %), Tuesday (riskfrånvaro, 16,7 %), present Wednesday, absent Thursday (hög frånvaro, 21,4 %) and Friday.
    private static readonly TestPupil Rising = TestPupil.Create(2013, 3, 2, 12, "Bo", "Backe", "7B", boy: true);
    private static readonly TestPupil Fine = TestPupil.Create(2013, 3, 3, 13, "Cia", "Ek", "7A");

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("cadence");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_weekly_school_gets_nothing_Tuesday_to_Sunday_and_one_digest_on_Monday_with_each_pupil_once()
    {
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), Days,
            (Steady, _ => 90),
            (Rising, i => i is 10 or 11 or 13 or 14 ? 300 : 0),
            (Fine, _ => 0));
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path,
            new Dictionary<string, string?> { ["Skolnarvaro:Notifications:Digest:Schedule"] = "Weekly", ["Skolnarvaro:Notifications:Digest:Weekday"] = "Monday" });
        var nightly = host.Get<NightlyRun>();

        var goLive = await nightly.RunAsync(Days[10], dryRun: true);
        var overview = await DigestAsync(goLive.RunId);
        overview.Subject.Should().Contain("översikt");
        overview.TextBody.Should().Contain("Sara S.").And.NotContain("Bo B.", "Bo is below every level on the Monday");

        for (var date = Days[11]; date < Days[15]; date = date.AddDays(1))
        {
            var quiet = await nightly.RunAsync(date, dryRun: true);
            quiet.Digests.Should().Be(0, $"{date:dddd d MMMM} is not the school's digest day");
        }

        var monday = await nightly.RunAsync(Days[15], dryRun: true);
        monday.Digests.Should().Be(1);
        var weekly = (await DigestAsync(monday.RunId)).TextBody!;
        Regex.Matches(weekly, "Bo B\\.").Should().HaveCount(1, "new on Tuesday and escalated on Thursday is one entry");
        weekly.Should().MatchRegex(@"Bo B\., 7B – Hög frånvaro sedan \d+ \w+ 2026 \(har ökat från riskfrånvaro\)");
        weekly.Should().Contain("1 elev som har nämnts nyligen nämns inte i den här sammanfattningen", "Sara is at a level and counted, not shown");
        weekly.Should().NotContain("Sara S.", "Sara was told about a week ago and her reminder is not due for two weeks");
        weekly.Should().Contain("sedan förra sammanfattningen (21 september)");
        Directory.GetFiles(Path.Combine(temp.Path, "digests"), "digest-*.eml").Should().HaveCount(2, "one overview and one weekly digest in eight nights");
    }

    [Fact]
    public async Task An_urgent_school_hears_about_a_new_hog_franvaro_the_next_morning_and_not_again_on_Monday()
    {
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), Days,
            (Steady, _ => 90),
            (Rising, i => i is 10 or 11 or 13 or 14 ? 300 : 0));
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, School), temp.Path,
            new Dictionary<string, string?> { ["Skolnarvaro:Notifications:Digest:Schedule"] = "Weekly", ["Skolnarvaro:Notifications:Digest:Urgent"] = "true" });
        var nightly = host.Get<NightlyRun>();

        await nightly.RunAsync(Days[10], dryRun: true);
        (await nightly.RunAsync(Days[11], dryRun: true)).Digests.Should().Be(0, "riskfrånvaro waits for Monday");
        (await nightly.RunAsync(Days[12], dryRun: true)).Digests.Should().Be(0);
        var thursday = await nightly.RunAsync(Days[13], dryRun: true);
        thursday.Digests.Should().Be(1, "hög frånvaro goes out the next morning");
        (await DigestAsync(thursday.RunId)).Subject.Should().StartWith("Brådskande");

        var monday = await nightly.RunAsync(Days[15], dryRun: true);
        monday.Digests.Should().Be(0, "Bo was told on Thursday and nothing else is new");
    }

    private async Task<MimeMessage> DigestAsync(long runId) =>
        await MimeMessage.LoadAsync(Path.Combine(temp.Path, "digests", $"digest-{School.Skolenhetskod}-run{runId}.eml"));
}
