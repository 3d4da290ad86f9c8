using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Xunit.Abstractions;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Import;

/// <summary>
/// SIGTERM (a service stop, a deploy, Ctrl+C) while `run-once` is importing ends the process within seconds, whatever
/// the import is waiting for: the run is recorded as ended, not left Running, and nothing of the file is kept.
/// </summary>
public sealed class RunOnceInterruptTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>From SIGTERM to exit: System.CommandLine's own grace is 2 s; the rest is the process winding down.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    private static readonly TestSchool School = new("44444444", "Avbrottsskolan", "rektor@avbrott.example.se", Profile: "lessons-default");

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("interrupt");
    private Process? started;

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        // A run that did not stop is not left behind to hold the test database.
        if (started is { HasExited: false })
        {
            started.Kill(entireProcessTree: true);
        }

        started?.Dispose();

        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SIGTERM_while_run_once_streams_a_large_file_ends_it_promptly_the_run_not_left_Running_and_nothing_of_the_file_kept()
    {
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, School);
        ImportCrashTests.WriteLessons(temp.File("inbox", School.Skolenhetskod, "lessons_term.csv"), pupils: 6000, days: 65);
        var run = Start(schools);

        await WaitUntilAsync(run, "the import streams rows into PostgreSQL", """
            select count(*) from pg_stat_activity
            where datname = current_database() and state = 'active' and (query like 'copy attendance_fact%' or query like 'copy stage_fact%')
            """);
        var exit = await TerminateAsync(run);

        await AssertEndedCleanlyAsync(run, exit);
    }

    [Fact]
    public async Task SIGTERM_while_run_once_waits_for_the_schools_import_lock_held_elsewhere_ends_it_promptly()
    {
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, School);
        ImportCrashTests.WriteLessons(temp.File("inbox", School.Skolenhetskod, "lessons_week.csv"), pupils: 20, days: 5);
        // Another process importing the same school, stuck (a hung disk, a debugger): its transaction holds the school's lock.
        await using var other = await db.DataSource.OpenConnectionAsync();
        await using var otherTx = await other.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('import:' || @school))", other, otherTx))
        {
            hold.Parameters.Add(new NpgsqlParameter("school", NpgsqlTypes.NpgsqlDbType.Char) { Value = School.Skolenhetskod });
            await hold.ExecuteNonQueryAsync();
        }

        var run = Start(schools);
        await WaitUntilAsync(run, "the import waits for the school's lock", """
            select count(*) from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock' and query like '%pg_advisory_xact_lock%'
            """);
        var exit = await TerminateAsync(run);

        await AssertEndedCleanlyAsync(run, exit);
    }

    [Fact]
    public async Task SIGTERM_while_the_import_command_streams_a_large_file_ends_it_promptly_and_nothing_of_the_file_is_kept()
    {
        var schools = PipelineHost.WriteSchoolsFile(temp.Path, School);
        var file = temp.File("lessons_term.csv");
        ImportCrashTests.WriteLessons(file, pupils: 6000, days: 65);
        var import = started = Process.Start(PipelineHost.CliStartInfo(db, schools, temp.Path, "import", "--school", School.Skolenhetskod, file))!;

        await WaitUntilAsync(import, "the import streams rows into PostgreSQL", """
            select count(*) from pg_stat_activity
            where datname = current_database() and state = 'active' and (query like 'copy attendance_fact%' or query like 'copy stage_fact%')
            """);
        var exit = await TerminateAsync(import);

        var stderr = await import.StandardError.ReadToEndAsync();
        output.WriteLine($"import exited {exit.TotalSeconds:N1} s after SIGTERM with {import.ExitCode}: {stderr}");
        exit.Should().BeLessThan(Prompt, "SIGTERM must end the import within seconds");
        import.ExitCode.Should().Be(130, stderr);
        stderr.Should().Contain("Interrupted: lessons_term.csv was being imported; nothing of it was kept.");
        (await CountAsync("select count(*) from attendance_fact")).Should().Be(0, "nothing half-written");
        (await CountAsync("select count(*) from import_file where status = 'Imported'")).Should().Be(0);
    }

    private Process Start(string schools)
    {
        var start = PipelineHost.CliStartInfo(db, schools, temp.Path, "run-once", "--as-of", "2026-12-04", "--dry-run");
        return started = Process.Start(start)!;
    }

    private async Task WaitUntilAsync(Process run, string what, string countSql)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (await CountAsync(countSql) == 0)
        {
            if (run.HasExited)
            {
                Assert.Fail($"run-once ended before {what}: exit {run.ExitCode}; {await run.StandardOutput.ReadToEndAsync()} {await run.StandardError.ReadToEndAsync()}");
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"{what} never happened");
            await Task.Delay(20);
        }
    }

    /// <summary>Sends SIGTERM and returns how long the process took to exit after it.</summary>
    private static async Task<TimeSpan> TerminateAsync(Process run)
    {
        var sent = Stopwatch.StartNew();
        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", run.Id.ToString(CultureInfo.InvariantCulture)]))!)
        {
            await kill.WaitForExitAsync();
        }

        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await run.WaitForExitAsync(patience.Token);
        return sent.Elapsed;
    }

    private async Task AssertEndedCleanlyAsync(Process run, TimeSpan exit)
    {
        var stderr = await run.StandardError.ReadToEndAsync();
        output.WriteLine($"run-once exited {exit.TotalSeconds:N1} s after SIGTERM with {run.ExitCode}: {stderr}");
        exit.Should().BeLessThan(Prompt, "SIGTERM must end run-once within seconds");
        run.ExitCode.Should().Be(130, stderr);
        stderr.Should().Contain("Interrupted: nightly run #").And.Contain("nothing of an unfinished file was kept");
        (await CountAsync("select count(*) from run where status = 'Running'")).Should().Be(0, "the run must not be left Running");
        (await CountAsync("select count(*) from run where status = 'Abandoned' and finished_at is not null")).Should().Be(1);
        (await CountAsync("select count(*) from run_school where status in ('Pending', 'Importing')")).Should().Be(0);
        (await CountAsync("select count(*) from attendance_fact")).Should().Be(0, "nothing half-written");
        (await CountAsync("select count(*) from import_file where status = 'Imported'")).Should().Be(0);
        (await CountAsync("select count(*) from pupil")).Should().Be(0);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
