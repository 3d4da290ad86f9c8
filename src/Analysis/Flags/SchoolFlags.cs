using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>A school's levels on a date, assessed and scored, ready to be recorded.</summary>
public sealed record SchoolLevels(SchoolAssessment Assessment);

/// <summary>What a school's flags in a run came to: every pupil at a level, and those the rektor should hear about.</summary>
public sealed record RecordedFlags(IReadOnlyList<FlagRecord> All, IReadOnlyList<FlagRecord> News, IReadOnlyList<FlagRecord> Reminders)
{
    /// <summary>The pupils to report: news first, then reminders.</summary>
    public IReadOnlyList<FlagRecord> Reportable => [.. News, .. Reminders];

    public int Count(Level level) => All.Count(f => f.Level == level);
}

/// <summary>
/// A school's flags from facts to the level history: the thresholds, the trend model where one scores, the flags and
/// level episodes, and which pupils are reportable — news (new at a level or escalated), and reminders once the
/// cool-down has passed since the rektor last heard about them, so a digest never repeats itself night after night.
/// </summary>
public sealed class SchoolFlags(
    ThresholdAnalysis analysis, TrendScoring trend, FlagStore flags, LevelHistoryStore history, AttendanceFactStore facts,
    IOptions<ThresholdOptions> thresholds, IOptions<ReminderOptions> reminders)
{
    /// <summary>Whether a trend model scores tonight, and how the run should say so.</summary>
    public Task<TrendModelStatus> ModelStatusAsync(CancellationToken ct = default) => trend.StatusAsync(ct);

    /// <summary>The recent window of school days that applies to the school: the window its reporting rate is measured over too.</summary>
    public async Task<int> RecentWindowDaysAsync(string school, CancellationToken ct = default) =>
        thresholds.Value.For(school, await facts.DriftsformAsync(school, ct)).RecentWindowDays;

    /// <summary>Reads the school's facts and assesses every pupil: the rules, then the trend model for pupils at no level.</summary>
    public async Task<SchoolLevels> AssessAsync(string school, DateOnly asOf, CancellationToken ct = default)
    {
        var assessment = await analysis.AssessSchoolAsync(school, asOf, ct);
        var scored = await trend.ScoreSchoolAsync(school, asOf, assessment, ct);
        return new SchoolLevels(scored.MergeInto(assessment));
    }

    /// <summary>Records the flags and the level history on the caller's transaction and selects the reportable pupils.</summary>
    public async Task<RecordedFlags> RecordAsync(NpgsqlConnection conn, long runId, SchoolLevels levels, CancellationToken ct = default)
    {
        var recorded = await flags.RecordAsync(conn, runId, levels.Assessment, ct);
        var asOf = levels.Assessment.AsOf;
        var cooldown = reminders.Value.ReminderCooldownDays;
        return new RecordedFlags(
            recorded,
            recorded.Where(r => r.Change is LevelChange.New or LevelChange.Escalated).ToList(),
            recorded.Where(r => r.Change == LevelChange.Still && (r.LastReportedOn is not { } last || asOf.DayNumber - last.DayNumber >= cooldown)).ToList());
    }

    /// <summary>The reportable pupils have been told about (their digest is recorded): their cool-down starts today.</summary>
    public Task MarkReportedAsync(NpgsqlConnection conn, string school, RecordedFlags recorded, DateOnly asOf, CancellationToken ct = default) =>
        history.MarkReportedAsync(conn, school, recorded.Reportable.Select(f => f.PupilKey), asOf, ct);
}
