using System.Diagnostics;
using Npgsql;
using Skolnarvaro.TestSupport;
using static Skolnarvaro.Worker.Tests.Orchestration.OrchestrationHarness;

namespace Skolnarvaro.Worker.Tests.Orchestration;

/// <summary>
/// Faults with real processes: a worker killed with SIGKILL while it imports and while it sends, PostgreSQL restarted in
/// the middle of a run, the SMTP server down for a whole run. Each time the run completes, its facts equal a clean
/// run's, and every digest reaches the SMTP server exactly once.
/// </summary>
[Collection(WorkerProcessCollection.Name)]
public sealed class WorkerFaultTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(4);
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("worker-faults");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task A_worker_killed_during_imports_and_restarted_completes_the_run_as_a_clean_run_would()
    {
        using var smtp = SmtpSink.StartNew();
        long runId;
        using (var doomed = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: SampleSettings()))
        {
            await doomed.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
            runId = await TriggerAsync(db, temp.Path);
            // Killed while a school is half imported and at least one other is done. The state is checked again with the
            // worker stopped (SIGSTOP) and the statements it had sent before it stopped finished, so that the import seen
            // running cannot finish between the check and the kill (a status update in flight at the SIGSTOP once did).
            await WaitUntilAsync(async () =>
                {
                    if (!await ImportedAndImportingAsync(runId))
                    {
                        return false;
                    }

                    doomed.Suspend();
                    await StatementsInFlightDoneAsync();
                    if (await ImportedAndImportingAsync(runId))
                    {
                        return true;
                    }

                    doomed.Resume();
                    return false;
                },
                TimeSpan.FromMinutes(2), "a school imported and another importing");
            doomed.Kill();
        }

        (await CountAsync(db.DataSource, $"select count(*) from run_school where run_id = {runId} and status = 'Importing'"))
            .Should().BeGreaterThan(0, "the kill interrupted an import");
        smtp.Messages.Should().BeEmpty("nothing was sent before the kill");

        using var restarted = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: SampleSettings());
        var status = await WaitForRunAsync(db.DataSource, runId, RunTimeout, () => restarted.Output);

        status.Should().Be("Succeeded", restarted.Output);
        (await FingerprintAsync(db.DataSource)).Should().Be(await CleanReferenceAsync());
        (await CountAsync(db.DataSource, $"select count(*) from run_school where run_id = {runId} and attempts > 1"))
            .Should().BeGreaterThan(0, "the interrupted school was imported again");
        await AssertEachDigestArrivedOnceAsync(smtp);
    }

    [Fact]
    public async Task A_worker_killed_while_sending_and_restarted_sends_each_digest_exactly_once()
    {
        using var smtp = SmtpSink.StartNew();
        await using var proxy = new StallingProxy(smtp.Port);
        long runId;
        using (var doomed = WorkerProcess.Start(db, SampleSchools, temp.Path, proxy.Port, settings: SampleSettings()))
        {
            await doomed.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));
            runId = await TriggerAsync(db, temp.Path);
            var connected = await Task.WhenAny(proxy.StalledConnection, Task.Delay(TimeSpan.FromMinutes(3)));
            connected.Should().BeSameAs(proxy.StalledConnection, doomed.Output);
            // The worker is in the middle of sending: connected, waiting for the server. Killed there.
            doomed.Kill();
        }

        (await CountAsync(db.DataSource, "select count(*) from outbox where sent_at is not null")).Should().Be(0, "the kill came before any digest was sent");
        smtp.Messages.Should().BeEmpty();
        proxy.Release();

        using var restarted = WorkerProcess.Start(db, SampleSchools, temp.Path, proxy.Port, settings: SampleSettings());
        var status = await WaitForRunAsync(db.DataSource, runId, RunTimeout, () => restarted.Output);

        status.Should().Be("Succeeded", restarted.Output);
        (await FingerprintAsync(db.DataSource)).Should().Be(await CleanReferenceAsync());
        await AssertEachDigestArrivedOnceAsync(smtp);
    }

    [Fact]
    public async Task PostgreSQL_restarted_in_the_middle_of_a_run_delays_it_but_the_run_completes_after_retries()
    {
        using var smtp = SmtpSink.StartNew();
        await using var server = await OwnPostgres.StartAsync(temp.Path);
        await using var data = NpgsqlDataSource.Create(server.ConnectionString);
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, server.ConnectionString, SampleSettings());
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));

        var runId = await TriggerAsync(db, temp.Path, server.ConnectionString);
        await WaitUntilAsync(async () => await CountAsync(data, $"select count(*) from run_school where run_id = {runId} and status = 'Imported'") >= 1,
            TimeSpan.FromMinutes(2), "a school imported");
        await server.RestartAsync();
        NpgsqlConnection.ClearAllPools();
        var status = await WaitForRunAsync(data, runId, RunTimeout, () => worker.Output);

        status.Should().Be("Succeeded", worker.Output);
        worker.HasExited.Should().BeFalse("the worker rides out the outage");
        (await FingerprintAsync(data)).Should().Be(await CleanReferenceAsync());
        await AssertEachDigestArrivedOnceAsync(smtp);
    }

    [Fact]
    public async Task With_the_SMTP_server_down_for_the_whole_run_the_digests_are_delivered_once_when_it_returns()
    {
        using var smtp = SmtpSink.StartNew();
        smtp.Stop(); // its port stays reserved for it: the worker sends there and finds nobody
        using var worker = WorkerProcess.Start(db, SampleSchools, temp.Path, smtp.Port, settings: SampleSettings());
        await worker.WaitUntilReadyAsync(TimeSpan.FromMinutes(1));

        var runId = await TriggerAsync(db, temp.Path);
        var status = await WaitForRunAsync(db.DataSource, runId, RunTimeout, () => worker.Output);
        await Task.Delay(TimeSpan.FromSeconds(5)); // a few delivery jobs fail meanwhile

        status.Should().Be("Succeeded", "a delivery failure does not fail the run; the mails wait in the outbox");
        (await CountAsync(db.DataSource, "select count(*) from outbox where sent_at is null and attempts >= 1")).Should().Be(DemoDigests);

        smtp.Start();
        await AssertEachDigestArrivedOnceAsync(smtp);
        (await CountAsync(db.DataSource, "select count(*) from outbox where sent_at is null")).Should().Be(0);
    }

    /// <summary>Waits until no statement of another session runs on the test's database: a stopped worker's last ones have finished.</summary>
    private async Task StatementsInFlightDoneAsync() => await WaitUntilAsync(
        async () => await CountAsync(db.DataSource,
            "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state = 'active'") == 0,
        TimeSpan.FromSeconds(30), "the stopped worker's statements to finish");

    private async Task<bool> ImportedAndImportingAsync(long runId) =>
        await CountAsync(db.DataSource, $"select count(*) from run_school where run_id = {runId} and status = 'Imported'") >= 1 &&
        await CountAsync(db.DataSource, $"select count(*) from run_school where run_id = {runId} and status = 'Importing'") >= 1;

    private static async Task AssertEachDigestArrivedOnceAsync(SmtpSink smtp)
    {
        await smtp.WaitForMessagesAsync(DemoDigests, TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(4)); // delivery runs every 2 s: a duplicate would come now
        DigestMessageIds(smtp).Should().HaveCount(DemoDigests).And.OnlyHaveUniqueItems();
    }

    /// <summary>A PostgreSQL server of the test's own (scripts/postgres.sh with its own folder and port), to restart at will.</summary>
    private sealed class OwnPostgres : IAsyncDisposable
    {
        private readonly Dictionary<string, string> environment;

        private OwnPostgres(Dictionary<string, string> environment, string connectionString)
        {
            this.environment = environment;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<OwnPostgres> StartAsync(string folder)
        {
            var state = Path.Combine(folder, "postgres");
            Directory.CreateDirectory(state);
            var port = FreePort.Next();
            var environment = new Dictionary<string, string>
            {
                ["SKOLNARVARO_PG_STATE_DIR"] = state,
                ["SKOLNARVARO_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            var connectionString = (await ScriptAsync(environment, "start")).Trim();
            return new OwnPostgres(environment, connectionString);
        }

        public async Task RestartAsync()
        {
            await ScriptAsync(environment, "stop");
            await Task.Delay(TimeSpan.FromSeconds(2));
            await ScriptAsync(environment, "start");
        }

        public async ValueTask DisposeAsync()
        {
            await ScriptAsync(environment, "stop");
            // As root the cluster may live in the postgres user's home (see postgres.sh); remove that too.
            var recorded = Path.Combine(environment["SKOLNARVARO_PG_STATE_DIR"], "cluster-dir");
            if (File.Exists(recorded) && File.ReadAllText(recorded).Trim() is { Length: > 0 } elsewhere && Directory.Exists(elsewhere))
            {
                Directory.Delete(elsewhere, recursive: true);
            }
        }

        private static async Task<string> ScriptAsync(Dictionary<string, string> environment, string command)
        {
            var start = new ProcessStartInfo("bash", [TestFiles.InRepo("scripts", "postgres.sh"), command])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.Should().Be(0, $"postgres.sh {command}: {await stderr}");
            return await stdout;
        }
    }
}
