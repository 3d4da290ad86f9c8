using System.Globalization;
using MimeKit;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// Nights of the production lane run as the nightly job runs them: each night the school's export of every school day
/// before it arrives as a file of its own, then <c>run-once</c> at 02:06 school time under a production clock.
/// </summary>
internal sealed class LaneNights(
    TestDatabase db, string home, IReadOnlyList<DateOnly> exportDays, IReadOnlyDictionary<string, string>? settings = null)
{
    /// <summary>Runs the night of <paramref name="date"/> and returns the digests it queued; the run must succeed.</summary>
    public async Task<long> DigestsOnAsync(string schools, TestSchool school, string date, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        var before = await CountAsync("select count(*) from outbox where skolenhetskod is not null");

        var (exit, output) = await RunAsync(schools, school, date, pupils);

        exit.Should().Be(0, output);
        output.Should().Contain($"as of {date}");
        output.Should().NotMatchRegex(@"\d\d/\d\d/\d{4}", "dates in the log are ISO dates");
        return await CountAsync("select count(*) from outbox where skolenhetskod is not null") - before;
    }

    /// <summary>Runs the night of <paramref name="date"/> at 02:06 school time and returns the exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(
        string schools, TestSchool school, string date, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        WriteExport(school, DateOnly.Parse(date, CultureInfo.InvariantCulture), pupils);
        return await RunCliAsync(PipelineHost.CliStartInfo(db, schools, home, "run-once"), At(Stockholm($"{date} 02:06"), settings));
    }

    /// <summary>The school's export of its days before <paramref name="night"/>, as a file of its own.</summary>
    public void WriteExport(TestSchool school, DateOnly night, params (TestPupil Pupil, Func<DateOnly, int> Absent)[] pupils)
    {
        var days = exportDays.Where(d => d < night).ToList();
        TestExports.WriteDays(Path.Combine(home, "inbox", school.Skolenhetskod, $"days-{night:yyyyMMdd}.csv"), days,
            pupils.Select(p => (p.Pupil, (Func<int, int>)(i => p.Absent(days[i])))).ToArray());
    }

    public Task<long> CountAsync(string sql) => Orchestration.OrchestrationHarness.CountAsync(db.DataSource, sql);

    public async Task<MimeMessage> LatestDigestAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select mime from outbox where skolenhetskod is not null order by id desc limit 1");
        return MimeMessage.Load(new MemoryStream((byte[])(await cmd.ExecuteScalarAsync())!));
    }
}
