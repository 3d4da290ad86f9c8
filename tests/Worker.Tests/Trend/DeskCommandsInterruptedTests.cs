using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Tests.Trend;

/// <summary>
/// SIGTERM on each desk command, on the same history as evaluate's: another session holds a table the command reaches
/// part-way through its work, so the command is known to be busy there (its query waits on the lock) when the signal
/// comes, however loaded the machine is. Each must end within seconds with 130 and leave no half-written file or row.
/// </summary>
public sealed partial class TrendCommandTests
{
    [Fact]
    public async Task SIGTERM_while_train_stores_its_trained_model_ends_it_within_seconds_with_130_and_stores_no_model()
    {
        await ImportTheHistoryAsync();
        // Reads pass, writes wait: train builds its samples, trains and judges the model, then waits to store it.
        await using var held = await HoldAsync("lock table trend_model in share mode");

        using var train = Process.Start(CliStart(schoolsFile, "train", "--seed", "5"))!;
        var (elapsed, exitCode, stderr) = await InterruptWhenWaitingAsync(train, @"^\s*(update|insert into) trend_model\y");

        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "SIGTERM must end train within seconds");
        exitCode.Should().Be(130, stderr);
        stderr.Should().Contain("Interrupted: training was stopped; no half-trained model was stored");
        await held.ReleaseAsync();
        (await CountAsync("select count(*) from trend_model")).Should().Be(0, "the model being stored was not");
    }

    [Fact]
    public async Task SIGTERM_while_models_import_adds_a_model_ends_it_within_seconds_with_130_and_leaves_the_registry_as_it_was()
    {
        await using var held = await HoldAsync("lock table trend_model in share mode");

        using var import = Process.Start(CliStart(schoolsFile, "models", "import", "--file", TestFiles.InRepo("sample-data", "trend-model.json")))!;
        var (elapsed, exitCode, stderr) = await InterruptWhenWaitingAsync(import, @"^\s*insert into trend_model\y");

        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "SIGTERM must end models import within seconds");
        exitCode.Should().Be(130, stderr);
        stderr.Should().Contain("Interrupted: the model registry was not changed.");
        await held.ReleaseAsync();
        (await CountAsync("select count(*) from trend_model")).Should().Be(0);
    }

    [Fact]
    public async Task SIGTERM_while_backtest_replays_history_ends_it_within_seconds_with_130_records_it_failed_and_writes_no_csv()
    {
        await ImportTheHistoryAsync();
        var candidate = Path.Combine(temp.Path, "candidate.json");
        await File.WriteAllTextAsync(candidate, """{"Skolnarvaro":{"Thresholds":{"AtRisk":{"AbsenceShare":0.08}}}}""");
        var output = Path.Combine(temp.Path, "backtest");
        // The plan and the run record are made; the replay waits for the facts.
        await using var held = await HoldAsync("lock table attendance_fact in access exclusive mode");

        using var backtest = Process.Start(CliStart(schoolsFile, "backtest", "--config", candidate,
            "--csv", Path.Combine(output, "backtest.csv"), "--nights", Path.Combine(output, "nights.csv")))!;
        var (elapsed, exitCode, stderr) = await InterruptWhenWaitingAsync(backtest, @"\yattendance_fact\y",
            "select count(*) from run where kind = 'backtest' and status = 'Running'");

        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "SIGTERM must end backtest within seconds");
        exitCode.Should().Be(130, stderr);
        stderr.Should().Contain("Interrupted: the back-test was stopped before it finished; it is recorded as failed and wrote no CSV.");
        (await ScalarAsync<string>("select string_agg(status, ',') from run where kind = 'backtest'")).Should().Be("Failed");
        (Directory.Exists(output) ? Directory.GetFiles(output) : []).Should().BeEmpty("nothing half-written");
    }

    [Fact]
    public async Task SIGTERM_while_report_reads_the_term_ends_it_within_seconds_with_130_and_leaves_its_folder_as_it_was()
    {
        await ImportTheHistoryAsync();
        var folder = Directory.CreateDirectory(Path.Combine(temp.Path, "report-HT2026")).FullName;
        var earlier = Path.Combine(folder, "terminsrapport-HT2026.html");
        await File.WriteAllTextAsync(earlier, "an earlier report");
        // The pupils' figures and the weeks are read; the schools' part waits for the runs' staleness.
        await using var held = await HoldAsync("lock table run_school in access exclusive mode");

        using var report = Process.Start(CliStart(schoolsFile, "report", "--term", "HT2026", "--as-of", $"{Days[^1]:yyyy-MM-dd}", "--out", folder))!;
        var (elapsed, exitCode, stderr) = await InterruptWhenWaitingAsync(report, @"\ynightly_school_staleness\y");

        elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "SIGTERM must end report within seconds");
        exitCode.Should().Be(130, stderr);
        stderr.Should().Contain("Interrupted: the HT2026 report was stopped before it was written; its folder is as it was.");
        Directory.GetFiles(folder).Should().Equal([earlier], "nothing half-written beside the earlier report");
        (await File.ReadAllTextAsync(earlier)).Should().Be("an earlier report");
    }

    private async Task ImportTheHistoryAsync()
    {
        using var host = await PipelineHost.StartAsync(db, schoolsFile, temp.Path, Small);
        await host.Get<NightlyRun>().RunAsync(Days[^1], dryRun: true);
    }

    /// <summary>
    /// Waits until the command's query matching <paramref name="waitingQuery"/> (a PostgreSQL regular expression) waits on
    /// a lock, and <paramref name="alsoTrue"/> counts a row, then sends SIGTERM and waits (at most a minute) for the end.
    /// </summary>
    private async Task<(TimeSpan Elapsed, int ExitCode, string Stderr)> InterruptWhenWaitingAsync(Process command, string waitingQuery, string? alsoTrue = null)
    {
        try
        {
            await WaitUntilAsync(command, $"""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and query ~* '{waitingQuery}'
                """);
            if (alsoTrue is not null)
            {
                (await CountAsync(alsoTrue)).Should().BePositive(alsoTrue);
            }

            var sent = Stopwatch.StartNew();
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", command.Id.ToString(CultureInfo.InvariantCulture)]))!)
            {
                await kill.WaitForExitAsync();
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await command.WaitForExitAsync(patience.Token);
            var elapsed = sent.Elapsed;
            return (elapsed, command.ExitCode, await command.StandardError.ReadToEndAsync());
        }
        finally
        {
            if (!command.HasExited)
            {
                command.Kill(entireProcessTree: true);
            }
        }
    }

    private async Task WaitUntilAsync(Process command, string countSql)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await CountAsync(countSql) == 0)
        {
            if (command.HasExited)
            {
                Assert.Fail($"the command ended before it reached the held table: exit {command.ExitCode}; " +
                            $"{await command.StandardOutput.ReadToEndAsync()} {await command.StandardError.ReadToEndAsync()}");
            }

            DateTime.UtcNow.Should().BeBefore(deadline, "the command never reached the held table");
            await Task.Delay(20);
        }
    }

    /// <summary>A lock another session holds until released or disposed.</summary>
    private async Task<HeldLock> HoldAsync(string lockStatement)
    {
        var connection = await db.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var hold = new NpgsqlCommand(lockStatement, connection, transaction);
        await hold.ExecuteNonQueryAsync();
        return new HeldLock(connection, transaction);
    }

    private sealed class HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async Task ReleaseAsync() => await transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }
}
