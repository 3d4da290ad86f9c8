using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Analysis.Tests.Flags;

/// <summary>
/// The level history, run by run: a pupil enters a level, stays, escalates, is lowered and leaves, and every change has
/// a date, so a digest can say new, escalated or still (and when it last told the rektor), and a report can follow outcomes.
/// </summary>
public sealed class LevelHistoryTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private const string A = "11111111";
    private const string B = "22222222";
    private static readonly IReadOnlyList<DateOnly> Term = TestExports.SchoolDays(new DateOnly(2026, 9, 7), 60);
    private static readonly byte[] Pupil = FactHistory.Pupil(1);

    private FactHistory History => new(db.DataSource);

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        await History.SchoolAsync(A);
        await History.SchoolAsync(B);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>One nightly run for one school, as NightlyRun does it: assess, then record flags and history in one transaction.</summary>
    private async Task<IReadOnlyList<FlagRecord>> RunAsync(string school, DateOnly asOf, ThresholdOptions? options = null, bool succeeded = true)
    {
        var runId = await StartRunAsync(asOf);
        var analysis = new ThresholdAnalysis(new AttendanceFactStore(db.DataSource), new SubjectFactStore(db.DataSource), Options.Create(options ?? new ThresholdOptions()));
        var assessment = await analysis.AssessSchoolAsync(school, asOf);
        await using var conn = await db.DataSource.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        var records = await new FlagStore().RecordAsync(conn, runId, assessment);
        await tx.CommitAsync();
        await FinishRunAsync(runId, succeeded);
        return records;
    }

    /// <summary>The run row the flags refer to; the worker's run bookkeeping is not under test here.</summary>
    private async Task<long> StartRunAsync(DateOnly asOf)
    {
        await using var cmd = db.DataSource.CreateCommand("""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256) values ('nightly', now(), @asOf, 'Running', '{}', '') returning id
            """);
        cmd.Parameters.AddWithValue("asOf", asOf);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task FinishRunAsync(long runId, bool succeeded)
    {
        await using var cmd = db.DataSource.CreateCommand("update run set status = @status, finished_at = now() where id = @id");
        cmd.Parameters.AddWithValue("status", succeeded ? "Succeeded" : "Failed");
        cmd.Parameters.AddWithValue("id", runId);
        await cmd.ExecuteNonQueryAsync();
    }

    private Task<IReadOnlyList<LevelEpisode>> EpisodesAsync(string school = A) => new LevelHistoryStore(db.DataSource).ForPupilAsync(school, Pupil);

    [Fact]
    public async Task A_pupil_enters_stays_escalates_and_is_lowered_with_a_date_for_each()
    {
        // Absent day 0 (10 % after ten days), day 10, then days 10–14 in a row (a spell of five), present afterwards.
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 40, i => i is 0 or (>= 10 and <= 14) ? 300 : 0));

        var entered = (await RunAsync(A, Term[9])).Single();
        var still = (await RunAsync(A, Term[10])).Single();
        var escalated = (await RunAsync(A, Term[14])).Single();
        var lowered = (await RunAsync(A, Term[35])).Single();

        (entered.Level, entered.Change, entered.Since).Should().Be((Level.AtRisk, LevelChange.New, Term[9]));
        (still.Level, still.Change, still.Since).Should().Be((Level.AtRisk, LevelChange.Still, Term[9]));
        (escalated.Level, escalated.Change, escalated.Since, escalated.PreviousLevel).Should().Be((Level.High, LevelChange.Escalated, Term[11], Level.AtRisk),
            "the facts put the pupil at hög frånvaro from day 11 (3 of 12 days absent), before the run that saw it");
        (lowered.Level, lowered.Change, lowered.Since, lowered.PreviousLevel).Should().Be((Level.AtRisk, LevelChange.Still, Term[35], Level.High),
            "the spell has left the recent window and the term share is 17 %; going down is not news");

        var episodes = await EpisodesAsync();
        episodes.Select(e => (e.Level, e.EnteredOn, e.EnteredAs, e.LeftOn, e.LeftBecause)).Should().Equal(
            (Level.AtRisk, Term[9], EnteredAs.New, Term[14], LeftBecause.Escalated),
            (Level.High, Term[14], EnteredAs.Escalated, Term[35], LeftBecause.Lowered),
            (Level.AtRisk, Term[35], EnteredAs.Lowered, (DateOnly?)null, (LeftBecause?)null));
    }

    [Fact]
    public async Task A_pupil_below_every_threshold_leaves_the_level_and_is_new_if_they_come_back()
    {
        var recentOnly = new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.10, AbsenceShareWindow = ShareWindow.Recent } };
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 40, i => i is 0 or 1 or 30 or 31 ? 300 : 0));

        await RunAsync(A, Term[19], recentOnly);
        (await RunAsync(A, Term[21], recentOnly)).Should().BeEmpty();
        var back = (await RunAsync(A, Term[31], recentOnly)).Single();

        back.Change.Should().Be(LevelChange.New);
        (await EpisodesAsync()).Select(e => (e.EnteredOn, e.LeftOn, e.LeftBecause)).Should().Equal(
            (Term[19], Term[21], LeftBecause.BelowThresholds),
            (Term[31], (DateOnly?)null, (LeftBecause?)null));
    }

    [Fact]
    public async Task A_pupil_who_moves_leaves_the_old_schools_level_because_they_left_the_school()
    {
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 20, _ => 300));
        await History.DaysAsync(A, FactHistory.Pupil(2), FactHistory.Days(Term[0], 30, _ => 0));
        await History.DaysAsync(B, Pupil, FactHistory.Days(Term[20], 10, _ => 0));

        await RunAsync(A, Term[19]);
        (await RunAsync(A, Term[22])).Should().BeEmpty();

        (await EpisodesAsync()).Should().ContainSingle().Which.Should().Match<LevelEpisode>(e =>
            e.Level == Level.High && e.LeftOn == Term[22] && e.LeftBecause == LeftBecause.LeftSchool);
        (await EpisodesAsync(B)).Should().BeEmpty();
    }

    [Fact]
    public async Task Since_when_and_last_reported_are_answerable_for_a_pupil_still_at_a_level()
    {
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 40, i => i % 5 == 0 ? 300 : 0));
        var history = new LevelHistoryStore(db.DataSource);

        var first = (await RunAsync(A, Term[9])).Single();
        await using (var conn = await db.DataSource.OpenConnectionAsync())
        {
            await history.MarkReportedAsync(conn, A, [first.PupilKey], Term[9]);
        }

        var later = (await RunAsync(A, Term[30])).Single();
        var current = (await history.CurrentAsync(A)).Single();

        (later.Change, later.Since, later.LastReportedOn).Should().Be((LevelChange.Still, Term[9], Term[9]));
        (current.Level, current.EnteredOn, current.LastReportedOn).Should().Be((Level.High, Term[9], Term[9]));
        (Term[30].DayNumber - current.LastReportedOn!.Value.DayNumber).Should().Be(31, "still at hög frånvaro, last reported 31 days ago");
    }

    [Fact]
    public async Task A_run_that_failed_for_another_school_does_not_make_its_escalations_news_again()
    {
        // Regression: changes were judged against the last *succeeded* run, so a school's escalation recorded (and
        // reported) in a run that failed elsewhere was reported a second time the next night.
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 40, i => i is 0 or (>= 10 and <= 14) ? 300 : 0));

        await RunAsync(A, Term[9]);
        var escalated = (await RunAsync(A, Term[14], succeeded: false)).Single();
        var next = (await RunAsync(A, Term[15])).Single();

        escalated.Change.Should().Be(LevelChange.Escalated);
        next.Change.Should().Be(LevelChange.Still);
    }

    [Fact]
    public async Task Running_the_same_night_twice_changes_no_history()
    {
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 20, i => i % 5 == 0 ? 300 : 0));

        var first = (await RunAsync(A, Term[19])).Single();
        var again = (await RunAsync(A, Term[19])).Single();

        (first.Change, again.Change).Should().Be((LevelChange.New, LevelChange.Still));
        (await EpisodesAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task A_term_report_finds_every_episode_open_during_the_term()
    {
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 40, i => i is 0 or (>= 10 and <= 14) ? 300 : 0));
        foreach (var day in new[] { 9, 14, 35 })
        {
            await RunAsync(A, Term[day]);
        }

        var history = new LevelHistoryStore(db.DataSource);

        (await history.OverlappingAsync(Term[15], Term[20])).Select(e => e.Level).Should().Equal(Level.High);
        (await history.OverlappingAsync(Term[0], Term[39], A)).Should().HaveCount(3);
        (await history.OverlappingAsync(Term[0], Term[39], B)).Should().BeEmpty();
    }

    [Fact]
    public async Task Flags_keep_the_figures_and_patterns_behind_them()
    {
        await History.DaysAsync(A, Pupil, FactHistory.Days(Term[0], 25, i => i % 5 == 0 && i != 10 ? 300 : 0));

        var flag = (await RunAsync(A, Term[24])).Single();

        using var json = System.Text.Json.JsonDocument.Parse(flag.FiguresJson);
        var root = json.RootElement;
        root.GetProperty("recentAbsenceShare").GetDouble().Should().Be(0.15);
        root.GetProperty("recentUnexcusedMinutes").GetInt32().Should().Be(900);
        root.GetProperty("rulesMet")[0].GetString().Should().Be("AtRisk:AbsenceShare:Recent");
        root.GetProperty("patterns").GetProperty("recurringWeekday").GetProperty("day").GetString().Should().Be("Monday");
        root.GetProperty("patterns").GetProperty("recurringWeekday").GetProperty("absent").GetInt32().Should().Be(4);
    }
}
