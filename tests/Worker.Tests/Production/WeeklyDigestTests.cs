using System.Globalization;
using MimeKit;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The production lane on a hand-made school, night by night with <c>run-once</c> at 02:06 school time, as the nightly
/// job runs: the weekly digest composed before its send time, on the weeks as they come.
/// </summary>
public sealed class WeeklyDigestTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TestSchool School = new("22222222", "Måndagsskolan", "rektor@mandagsskolan.example.se");
    private static readonly TestPupil Steady = TestPupil.Create(2013, 5, 1, 21, "Sara", "Stadig", "7A");
    private static readonly TestPupil Late = TestPupil.Create(2013, 5, 2, 22, "Bo", "Backe", "7B", boy: true);
    private static readonly DateOnly Start = new(2026, 11, 2);

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("weekly");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task After_a_Monday_with_no_news_the_next_digest_counts_from_the_last_one_that_was_sent()
    {
        var schools = TestSchools.WriteFile(temp.Path, School);
        // Bo is present until Monday 7 December, then absent all week: new at hög frånvaro on 14 December.
        var bo = (Late, (Func<DateOnly, int>)(d => d >= new DateOnly(2026, 12, 7) ? 300 : 0));
        var sara = (Steady, (Func<DateOnly, int>)(_ => 90));

        (await NightAsync(schools, "2026-11-30", sara, bo)).Should().Be(1, "the go-live overview");
        (await NightAsync(schools, "2026-12-07", sara, bo)).Should().Be(0, "nothing new on the second Monday: no mail");
        (await NightAsync(schools, "2026-12-14", sara, bo)).Should().Be(1);

        var digest = await LatestDigestAsync();
        digest.TextBody.Should().Contain("Bo B.");
        digest.TextBody.Should().Contain("sedan förra sammanfattningen (30 november)", "on 7 December nothing was sent")
            .And.NotContain("sammanfattningen (7 december)");
    }

    /// <summary>One night at 02:06 on <paramref name="monday"/>: the week's export up to the Friday before, then run-once. Returns the digests queued.</summary>
    private async Task<long> NightAsync(string schools, string monday, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        var night = DateOnly.Parse(monday, CultureInfo.InvariantCulture);
        var days = TestExports.SchoolDays(Start, 40).Where(d => d < night).ToList();
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, $"days-{night:yyyyMMdd}.csv"), days,
            pupils.Select(p => (p.Pupil, (Func<int, int>)(i => p.Absent(days[i])))).ToArray());
        var before = await Orchestration.OrchestrationHarness.CountAsync(db.DataSource, "select count(*) from outbox where skolenhetskod is not null");

        var (exit, output) = await RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "run-once"), At(Stockholm($"{monday} 02:06")));

        exit.Should().Be(0, output);
        output.Should().Contain($"as of {monday}");
        return await Orchestration.OrchestrationHarness.CountAsync(db.DataSource, "select count(*) from outbox where skolenhetskod is not null") - before;
    }

    private async Task<MimeMessage> LatestDigestAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select mime from outbox where skolenhetskod is not null order by id desc limit 1");
        return MimeMessage.Load(new MemoryStream((byte[])(await cmd.ExecuteScalarAsync())!));
    }
}
