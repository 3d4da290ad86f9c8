using Skolnarvaro.TestSupport;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>
/// The steps the Hangfire jobs run (begin, import one school, finish), each retried or run twice as Hangfire may: nothing
/// is imported, flagged or queued twice, a failed school does not hold the others, and one nightly run runs at a time.
/// </summary>
public sealed class NightlyStepsTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly IReadOnlyList<DateOnly> Days = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 20);
    private static readonly DateOnly AsOf = Days[^1];
    private static readonly TestSchool First = new("11111111", "Ängsskolan", "rektor@angsskolan.example.se");
    private static readonly TestSchool Second = new("22222222", "Björkskolan", "rektor@bjorkskolan.example.se", "Independent");
    private static readonly TestPupil Often = TestPupil.Create(2013, 3, 1, 11, "Alva", "Berg", "7A");
    private static readonly TestPupil Away = TestPupil.Create(2012, 5, 7, 17, "Greta", "Ivarsson", "8A");

    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("nightly-steps");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private string Inbox(TestSchool school) => Path.Combine(temp.Path, "inbox", school.Skolenhetskod);

    private void WriteExports()
    {
        TestExports.WriteDays(Path.Combine(Inbox(First), "days.csv"), Days, (Often, i => i % 4 == 0 ? 300 : 0));
        TestExports.WriteDays(Path.Combine(Inbox(Second), "days.csv"), Days, (Away, i => i % 3 == 0 ? 300 : 0));
    }

    [Fact]
    public async Task Every_step_run_twice_imports_flags_and_queues_each_thing_once()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, First, Second), temp.Path);
        var nightly = host.Get<NightlyRun>();

        var runId = await nightly.BeginAsync(AsOf, dryRun: true, "hangfire:42");
        (await nightly.BeginAsync(AsOf, dryRun: true, "hangfire:42")).Should().Be(runId, "a retried trigger finds its run");
        foreach (var school in new[] { First, Second, First, Second })
        {
            await nightly.ImportSchoolAsync(runId, school.Skolenhetskod);
        }

        var once = await nightly.FinishAsync(runId);
        var facts = await CountAsync("select count(*) from attendance_fact");
        var twice = await nightly.FinishAsync(runId);

        once.Succeeded.Should().BeTrue();
        once.Schools.Should().OnlyContain(s => s.Attempts == 1 && s.Analyzed);
        once.FilesImported.Should().Be(2);
        twice.Schools.Should().BeEquivalentTo(once.Schools, "the second fan-in found everything done");
        (await CountAsync("select count(*) from attendance_fact")).Should().Be(facts);
        (await CountAsync("select count(*) from import_file")).Should().Be(2);
        (await CountAsync($"select count(*) from flag where run_id = {runId}")).Should().Be(2);
        (await CountAsync("select count(*) from level_episode")).Should().Be(2);
        (await CountAsync("select count(*) from outbox")).Should().Be(2);
        Directory.GetFiles(Path.Combine(temp.Path, "digests"), "*.eml").Should().HaveCount(2);
    }

    [Fact]
    public async Task A_failed_school_does_not_hold_the_others_and_is_analysed_and_sent_when_its_retry_succeeds()
    {
        WriteExports();
        // A file the inbox lists but that cannot be read: the school's import fails (not a rejection of bad content).
        var real = Path.Combine(Inbox(Second), "days.csv");
        var moved = Path.Combine(temp.Path, "days-second.csv");
        File.Move(real, moved);
        File.CreateSymbolicLink(real, moved + ".missing");
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, First, Second), temp.Path);
        var nightly = host.Get<NightlyRun>();
        var runId = await nightly.BeginAsync(AsOf, dryRun: true, "hangfire:7");

        (await nightly.ImportSchoolAsync(runId, First.Skolenhetskod)).Should().Be(new SchoolStep(SchoolStepResult.Imported, ReadyToFinish: false));
        var failed = await nightly.ImportSchoolAsync(runId, Second.Skolenhetskod);
        var afterFailure = await nightly.FinishAsync(runId);

        failed.Result.Should().Be(SchoolStepResult.Failed);
        failed.ReadyToFinish.Should().BeTrue("a failed school counts as finished for the fan-in");
        failed.Failure.Should().NotBeNull();
        afterFailure.Status.Should().Be("Failed");
        afterFailure.Schools.Single(s => s.Skolenhetskod == First.Skolenhetskod).DigestQueued.Should().BeTrue("the other school's digest is not held back");
        afterFailure.Schools.Single(s => s.Skolenhetskod == Second.Skolenhetskod).Error.Should().Contain("days.csv");

        // The school fixes its file; Hangfire's retry of the school job, then the fan-in it enqueues.
        File.Delete(real);
        File.Move(moved, real);
        var retried = await nightly.ImportSchoolAsync(runId, Second.Skolenhetskod);
        var afterRetry = await nightly.FinishAsync(runId);

        retried.Should().Be(new SchoolStep(SchoolStepResult.Imported, ReadyToFinish: true));
        afterRetry.Status.Should().Be("Succeeded");
        afterRetry.Schools.Should().OnlyContain(s => s.Analyzed && s.DigestQueued);
        afterRetry.Schools.Single(s => s.Skolenhetskod == Second.Skolenhetskod).Attempts.Should().Be(2);
        (await CountAsync("select count(*) from outbox")).Should().Be(2, "the first school's digest is not queued again");
    }

    [Fact]
    public async Task Only_one_nightly_run_at_a_time_and_a_killed_command_line_run_does_not_block_the_next()
    {
        WriteExports();
        using var host = await PipelineHost.StartAsync(db, PipelineHost.WriteSchoolsFile(temp.Path, First, Second), temp.Path);
        var nightly = host.Get<NightlyRun>();

        var first = await nightly.BeginAsync(AsOf, dryRun: true, "hangfire:1");
        var second = async () => await nightly.BeginAsync(AsOf, dryRun: true, "hangfire:2");
        (await second.Should().ThrowAsync<RunInProgressException>()).Which.RunId.Should().Be(first);

        await nightly.FinishAsync(first); // schools still pending: nothing happens
        (await CountAsync($"select count(*) from run where id = {first} and status = 'Running'")).Should().Be(1);
        foreach (var school in new[] { First, Second })
        {
            await nightly.ImportSchoolAsync(first, school.Skolenhetskod);
        }

        (await nightly.FinishAsync(first)).Succeeded.Should().BeTrue();

        // A run-once whose process is gone (nobody holds its owner lock) is abandoned by the next run, not waited for.
        var orphan = await nightly.BeginAsync(AsOf, dryRun: true, "cli:killed");
        var next = await nightly.BeginAsync(AsOf, dryRun: true, "hangfire:3");
        next.Should().BeGreaterThan(orphan);
        (await CountAsync($"select count(*) from run where id = {orphan} and status = 'Abandoned'")).Should().Be(1);
        (await nightly.ImportSchoolAsync(orphan, First.Skolenhetskod)).Result.Should().Be(SchoolStepResult.AlreadyDone);
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
