using MimeKit;
using Npgsql;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Orchestration.OrchestrationHarness;
using static Skolnarvaro.Worker.Tests.Production.ProductionClock;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The production lane: real <c>skolnarvaro worker</c> processes in production mode (demo off, a real key, the weekly
/// digest on Monday at 07:00, the nightly job at 02:00 Europe/Stockholm) fire their recurring jobs by themselves under
/// a clock set by libfaketime, over the bundled sample.
/// </summary>
[Collection(ProductionLaneCollection.Name)]
public sealed class ProductionLaneTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("production");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task On_a_Monday_the_02_00_night_records_the_flags_and_each_school_digest_leaves_at_07_00_school_time()
    {
        using var smtp = SmtpSink.StartNew();
        using (var night = await StartAfterAnEveningAsync(Stockholm("2026-12-14 01:59:40"), s => WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: s)))
        {
            await night.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
            var run = await WaitForNightlyRunAsync(new DateOnly(2026, 12, 14), () => night.Output);

            run.Status.Should().Be("Succeeded", night.Output);
            (await CountAsync(db.DataSource, $"select count(*) from flag where run_id = {run.Id}")).Should().BeGreaterThan(0);
            var held = await DigestsAsync(run.Id);
            held.Count(d => d.Group == "Rektor").Should().Be(6, "one rektor's digest per school");
            held.Select(d => d.Group).Distinct().Should().BeEquivalentTo(["Rektor", "Mentor", "Elevhalsan"], "the sample's mentors and elevhälsan are told the same morning");
            held.Should().OnlyContain(d => d.NotBefore == new DateTimeOffset(2026, 12, 14, 6, 0, 0, TimeSpan.Zero) && d.SentAt == null,
                "07:00 in Stockholm is 06:00 UTC in winter, and nothing leaves in the night, for any group");
            smtp.Messages.Should().BeEmpty();
        }

        using var morning = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: At(Stockholm("2026-12-14 06:59:40")));
        var runId = await LatestRunAsync();
        var expected = (await DigestsAsync(runId)).Count;
        await smtp.WaitForMessagesAsync(expected, TimeSpan.FromMinutes(2));
        var sent = smtp.Messages.Select(m => MimeMessage.Load(new MemoryStream(m.Raw))).ToList();
        sent.Should().HaveCount(expected);
        sent.Should().OnlyContain(m => m.Date == new DateTimeOffset(2026, 12, 14, 7, 0, 0, TimeSpan.FromHours(1)),
            "a mail is dated when it leaves, not when the night composed it");
        // The sink has a mail as soon as SMTP accepts it; the worker records it as sent a moment later.
        await WaitUntilAsync(async () => (await DigestsAsync(runId)).All(d => d.SentAt is not null), TimeSpan.FromMinutes(1), "every digest recorded as sent");
        (await DigestsAsync(runId)).Should().OnlyContain(d => d.SentAt >= new DateTimeOffset(2026, 12, 14, 6, 0, 0, TimeSpan.Zero));
    }

    private sealed record HeldDigest(string Key, string Group, DateTimeOffset NotBefore, DateTimeOffset? SentAt);

    private sealed record RunRow(long Id, string Status, DateOnly AsOf);

    private async Task<IReadOnlyList<HeldDigest>> DigestsAsync(long runId)
    {
        await using var cmd = db.DataSource.CreateCommand("""
            select idempotency_key, recipient_group, next_attempt_at, sent_at from outbox
            where run_id = @run and skolenhetskod is not null order by idempotency_key
            """);
        cmd.Parameters.AddWithValue("run", runId);
        var digests = new List<HeldDigest>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            digests.Add(new HeldDigest(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3)));
        }

        return digests;
    }

    private async Task<long> LatestRunAsync() => await CountAsync(db.DataSource, "select coalesce(max(id), 0) from run where kind = 'nightly'");

    /// <summary>Waits for the nightly run of a date to finish, started by the worker's own recurring job.</summary>
    private async Task<RunRow> WaitForNightlyRunAsync(DateOnly asOf, Func<string> context)
    {
        RunRow? run = null;
        await WaitUntilAsync(async () =>
        {
            await using var cmd = db.DataSource.CreateCommand("select id, status, as_of from run where kind = 'nightly' and as_of = @asOf order by id desc limit 1");
            cmd.Parameters.AddWithValue("asOf", asOf);
            await using var r = await cmd.ExecuteReaderAsync();
            run = await r.ReadAsync() ? new RunRow(r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateOnly>(2)) : null;
            return run is { Status: not "Running" };
        }, RunTimeout, $"the nightly run of {asOf:yyyy-MM-dd}:\n{context()}");
        return run!;
    }
}
