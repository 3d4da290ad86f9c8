using System.Globalization;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Orchestration.OrchestrationHarness;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The production lane's nights: a real worker fires the 02:00 job by itself, under a clock set by libfaketime, on a
/// hand-made school — nights missed, daylight-saving nights, a worker started after the send time.
/// </summary>
[Collection(ProductionLaneCollection.Name)]
public sealed class WorkerNightsTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TestSchool School = new("33333333", "Nattskolan", "rektor@nattskolan.example.se");
    private static readonly TestPupil Absent = TestPupil.Create(2013, 6, 1, 31, "Ella", "Borta", "8A");
    private static readonly TestPupil Present = TestPupil.Create(2013, 6, 2, 32, "Olle", "Här", "8A", boy: true);

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("nights");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_worker_down_for_a_night_and_started_at_01_59_makes_up_the_missed_night_under_its_own_date_and_runs_tonight_once()
    {
        var schools = SchoolWithExportsUntil(new DateOnly(2026, 12, 11));
        using (var first = await StartAfterAnEveningAsync(schools, "2026-12-14 01:59:40"))
        {
            await WaitForRunsAsync(1, first);
        }

        // Down on the night of 15 December; back at 01:59 on the 16th.
        using var back = Start(schools, "2026-12-16 01:59:00");
        await WaitForRunsAsync(3, back);
        await Task.Delay(TimeSpan.FromSeconds(5)); // nothing more may start

        (await NightsAsync()).Should().Equal(["2026-12-14", "2026-12-15", "2026-12-16"], back.Output);
        back.Output.Should().NotContain("was already imported", "a file still in the inbox is not logged again every night")
            .And.Contain("1 of the inbox's 1 files were imported before");
        back.Output.Should().Contain("Nightly run 2 as of 2026-12-15", "dates in logs are ISO dates")
            .And.MatchRegex(@"(?m)^2026-12-16 00:59:\d\d \+00:00 info", "every log line carries its date and offset");
    }

    [Fact]
    public async Task A_worker_that_starts_after_07_00_sends_the_digest_the_night_held_at_once()
    {
        using var smtp = SmtpSink.StartNew();
        var schools = SchoolWithExportsUntil(new DateOnly(2026, 12, 11));
        using (var night = await ProductionClock.StartAfterAnEveningAsync(Stockholm("2026-12-14 01:59:40"), s => WorkerProcess.Start(db, schools, temp.Path, smtp.Port, settings: s)))
        {
            await WaitForRunsAsync(1, night);
        }

        smtp.Messages.Should().BeEmpty("the digest is held for 07:00");
        using var late = WorkerProcess.Start(db, schools, temp.Path, smtp.Port, settings: At(Stockholm("2026-12-14 08:30")));
        await smtp.WaitForMessagesAsync(1, TimeSpan.FromMinutes(1));
        // The worker logs the delivery once it has recorded it, a moment after SMTP accepted the mail.
        await WaitUntilAsync(() => Task.FromResult(late.Output.Contains("delivered to SMTP", StringComparison.Ordinal)), TimeSpan.FromMinutes(1),
            "the worker to log the delivery");
        await Task.Delay(TimeSpan.FromSeconds(3)); // a second delivery would come now

        smtp.Messages.Should().ContainSingle("the held digest goes once, as soon as a worker is up");
    }

    [Fact]
    public async Task The_nightly_job_runs_once_on_the_autumn_night_whose_02_00_comes_twice()
    {
        var schools = SchoolWithExportsUntil(new DateOnly(2026, 10, 23));
        // 02:00 summer time (00:00 UTC), then at 03:00 the clocks go back to 02:00 winter time (01:00 UTC).
        using (var summer = await StartAfterAnEveningAsync(schools, "2026-10-25 01:59:40"))
        {
            await WaitForRunsAsync(1, summer);
        }

        using var winter = Start(schools, "2026-10-25 01:00:00Z");
        await Task.Delay(TimeSpan.FromSeconds(40)); // past 02:00 winter time

        (await NightsAsync()).Should().Equal(["2026-10-25"], winter.Output);
    }

    [Fact]
    public async Task The_nightly_job_runs_once_on_the_spring_night_that_has_no_02_00()
    {
        var schools = SchoolWithExportsUntil(new DateOnly(2027, 3, 26));
        using var worker = await StartAfterAnEveningAsync(schools, "2027-03-28 01:59:40");
        await WaitForRunsAsync(1, worker);
        await Task.Delay(TimeSpan.FromSeconds(5));

        (await NightsAsync()).Should().Equal(["2027-03-28"], worker.Output);
    }

    [Fact]
    public async Task A_Sunday_retraining_that_cannot_train_fails_visibly_with_its_reason_and_is_not_retried()
    {
        var schools = SchoolWithExportsUntil(new DateOnly(2026, 12, 11));
        using var worker = await StartAfterAnEveningAsync(schools, "2026-12-13 03:59:40");
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));

        await WaitUntilAsync(async () => await CountAsync(db.DataSource,
                "select count(*) from hangfire.job where invocationdata::text like '%RetrainJob%' and statename = 'Failed'") == 1,
            TimeSpan.FromMinutes(2), "the retraining at 04:00 on Sunday to fail");
        await Task.Delay(TimeSpan.FromSeconds(3));

        (await CountAsync(db.DataSource, "select count(*) from hangfire.job where invocationdata::text like '%RetrainJob%'"))
            .Should().Be(1, "a retry would find the same history");
        worker.Output.Should().Contain("Trend model not retrained");
        var (_, status) = await ProductionClock.RunCliAsync(PipelineHost.CliStartInfo(db, schools, temp.Path, "status"), At(Stockholm("2026-12-13 04:05")));
        status.Should().Contain("recurring retrain").And.Contain("(Failed)");
    }

    private string SchoolWithExportsUntil(DateOnly lastDay)
    {
        var schools = TestSchools.WriteFile(temp.Path, School);
        var days = TestExports.SchoolDays(lastDay.AddDays(-40), 40).Where(d => d <= lastDay).ToList();
        TestExports.WriteDays(Path.Combine(temp.Path, "inbox", School.Skolenhetskod, "days.csv"), days, (Absent, _ => 120), (Present, _ => 0));
        return schools;
    }

    /// <summary>A production worker whose clock starts at a time in Stockholm, or in UTC when it ends with Z.</summary>
    private WorkerProcess Start(string schools, string startsAt) => WorkerProcess.Start(db, schools, temp.Path, settings: At(Instant(startsAt)));

    /// <summary>The same, after a worker ran earlier that evening (<see cref="ProductionClock.StartAfterAnEveningAsync"/>).</summary>
    private Task<WorkerProcess> StartAfterAnEveningAsync(string schools, string startsAt) =>
        ProductionClock.StartAfterAnEveningAsync(Instant(startsAt), s => WorkerProcess.Start(db, schools, temp.Path, settings: s));

    private static DateTimeOffset Instant(string startsAt) => startsAt.EndsWith('Z')
        ? DateTimeOffset.Parse(startsAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)
        : Stockholm(startsAt);

    private async Task WaitForRunsAsync(int finished, WorkerProcess worker)
    {
        try
        {
            await WaitUntilAsync(async () => await CountAsync(db.DataSource, "select count(*) from run where kind = 'nightly' and status <> 'Running'") >= finished,
                TimeSpan.FromMinutes(3), $"{finished} finished nightly runs");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} Nights so far: {string.Join(", ", await NightsAsync())}.\n{worker.Output}", e);
        }
    }

    private async Task<IReadOnlyList<string>> NightsAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select as_of from run where kind = 'nightly' order by id");
        var nights = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            nights.Add(r.GetFieldValue<DateOnly>(0).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        return nights;
    }
}
