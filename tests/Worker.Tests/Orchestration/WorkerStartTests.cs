using Npgsql;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Orchestration;
using static Skolnarvaro.Worker.Tests.Orchestration.OrchestrationHarness;

namespace Skolnarvaro.Worker.Tests.Orchestration;

/// <summary>A worker that comes back after its predecessor was killed: what the predecessor left behind must not stop it.</summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class WorkerStartTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("worker-start");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_worker_started_while_a_recurring_jobs_lock_is_still_held_keeps_running_and_registers_the_job_once_the_lock_is_free()
    {
        using (var first = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings()))
        {
            await first.WaitUntilSchedulesRegisteredAsync(TimeSpan.FromMinutes(2));
        }

        // The lock a worker killed while scheduling 'deliver' leaves behind (the first worker may just have left it; this
        // test takes it itself, through Hangfire, to hold it as long as it likes).
        (await CountAsync(db.DataSource, "with gone as (delete from hangfire.lock where resource = 'hangfire:lock:recurring-job:deliver' returning 1) select count(*) from gone"))
            .Should().BeLessThanOrEqualTo(1);
        var storage = HangfireSetup.Storage(db.ConnectionString, new OrchestrationOptions());
        using var connection = storage.GetConnection();
        var held = connection.AcquireDistributedLock("lock:recurring-job:deliver", TimeSpan.FromSeconds(30));
        (await CountAsync(db.DataSource, "select count(*) from hangfire.lock where resource = 'hangfire:lock:recurring-job:deliver'"))
            .Should().Be(1);

        // Hangfire.PostgreSql's default age for a dead lock (10 minutes), so that the held lock is not taken for dead during the test.
        using var restarted = WorkerProcess.Start(db, SampleSchools, temp.Path,
            settings: SampleSettings(new Dictionary<string, string> { ["Skolnarvaro__Worker__DistributedLockTimeout"] = "00:10:00" }));
        await restarted.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => Task.FromResult(restarted.Output.Contains("Recurring job 'deliver' not registered yet", StringComparison.Ordinal) || restarted.HasExited),
            TimeSpan.FromMinutes(1), "the restarted worker to find the lock held");
        restarted.HasExited.Should().BeFalse($"a held lock is waited for, not a reason to stop:\n{restarted.Output}");

        held.Dispose();
        await restarted.WaitUntilSchedulesRegisteredAsync(TimeSpan.FromMinutes(1));
        restarted.Output.Should().Contain("Recurring job 'deliver' registered at attempt");
    }

    [Fact]
    public async Task Two_workers_started_together_on_a_fresh_database_both_start_and_keep_running()
    {
        for (var round = 0; round < 3; round++)
        {
            await using (var wipe = db.DataSource.CreateCommand("drop schema public cascade; create schema public; drop schema if exists hangfire cascade;"))
            {
                await wipe.ExecuteNonQueryAsync();
            }

            using var first = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings());
            using var second = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings());

            await Task.WhenAll(first.WaitUntilSchedulesRegisteredAsync(TimeSpan.FromMinutes(2)), second.WaitUntilSchedulesRegisteredAsync(TimeSpan.FromMinutes(2)));
            first.HasExited.Should().BeFalse($"round {round}:\n{first.Output}");
            second.HasExited.Should().BeFalse($"round {round}:\n{second.Output}");
            (await CountAsync(db.DataSource, "select count(*) from schema_version")).Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public async Task A_dashboard_url_off_the_loopback_interface_stops_the_start_unless_AllowRemote_and_then_is_warned_about()
    {
        var port = FreePort.Next();
        var remote = new Dictionary<string, string> { ["Skolnarvaro__Worker__Dashboard__Url"] = $"http://0.0.0.0:{port}" };
        using (var refused = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings(remote)))
        {
            var (code, output) = await refused.WaitForExitAsync(TimeSpan.FromMinutes(1));
            code.Should().Be(2, output);
            output.Trim().Split('\n').Should().ContainSingle(output)
                .Which.Should().Contain("Skolnarvaro:Worker:Dashboard:Url = 'http://0.0.0.0:").And.Contain("AllowRemote");
        }

        remote["Skolnarvaro__Worker__Dashboard__AllowRemote"] = "true";
        using var allowed = WorkerProcess.Start(db, SampleSchools, temp.Path, settings: SampleSettings(remote), dashboardPort: port);
        await allowed.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
        await WaitUntilAsync(() => Task.FromResult(allowed.Output.Contains("off the loopback interface", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the warning about the remote dashboard");
    }
}
