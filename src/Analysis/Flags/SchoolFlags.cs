using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>A school's levels on a date, assessed and scored, ready to be recorded; the trend model's view of each pupil it scored.</summary>
public sealed record SchoolLevels(SchoolAssessment Assessment, IReadOnlyDictionary<byte[], PupilConcern> Trend)
{
    /// <summary>A Trend flag for a pupil scored tonight at no level (see <see cref="TrendSchoolResult.Hold"/>).</summary>
    public Func<byte[], Assessment?> HoldTrend { get; init; } = _ => null;
}

/// <summary>What a school's flags in a run came to: every pupil at a level.</summary>
public sealed record RecordedFlags(long RunId, IReadOnlyList<FlagRecord> All)
{
    public int Count(Level level) => All.Count(f => f.Level == level);
}

/// <summary>
/// A school's flags from facts to the level history: the thresholds, the trend model where one scores, the flags and
/// level episodes, the concern order, and which pupils are news since the rektor's last digest — new at a level or
/// escalated — or due a reminder once the cool-down has passed, so a digest never repeats itself.
/// </summary>
public sealed class SchoolFlags(
    TrendScoring trend, FlagStore flags, LevelHistoryStore history, AttendanceFactStore facts,
    IOptions<ThresholdOptions> thresholds)
{
    /// <summary>Whether a trend model scores tonight, and how the run should say so.</summary>
    public Task<TrendModelStatus> ModelStatusAsync(CancellationToken ct = default) => trend.StatusAsync(ct);

    /// <summary>The recent window of school days that applies to the school: the window its reporting rate is measured over too.</summary>
    public async Task<int> RecentWindowDaysAsync(string school, CancellationToken ct = default) =>
        thresholds.Value.For(school, await facts.DriftsformAsync(school, ct)).RecentWindowDays;

    /// <summary>
    /// Reads the school's facts once and assesses every pupil: the rules' levels and, with a qualifying model, every pupil's
    /// probability; pupils at no level whose probability reaches the model's cut-off join as Trend.
    /// </summary>
    public async Task<SchoolLevels> AssessAsync(string school, DateOnly asOf, CancellationToken ct = default) =>
        Levels(await trend.AssessAndScoreSchoolAsync(school, asOf, ct));

    /// <summary>As above with a given model (or thresholds alone) instead of the active one: the evaluation's replay.</summary>
    public async Task<SchoolLevels> AssessAsync(string school, DateOnly asOf, ScoringModel model, CancellationToken ct = default) =>
        Levels(await trend.AssessAndScoreSchoolAsync(school, asOf, model, ct));

    private static SchoolLevels Levels((SchoolAssessment Assessment, TrendSchoolResult Scored) x) =>
        new(x.Scored.MergeInto(x.Assessment), x.Scored.Concerns) { HoldTrend = x.Scored.Hold };

    /// <summary>Records the flags and the level history on the caller's transaction.</summary>
    public async Task<RecordedFlags> RecordAsync(NpgsqlConnection conn, long runId, SchoolLevels levels, CancellationToken ct = default)
    {
        return new RecordedFlags(runId, await flags.RecordAsync(conn, runId, levels.Assessment, ct));
    }

    /// <summary>
    /// <see cref="RecordAsync"/> and <see cref="NewsAsync"/> in one: the news is composed once the level history is in
    /// step and before the flags are written, so each flag is written once, with its place in the concern order.
    /// </summary>
    public async Task<(RecordedFlags Recorded, SchoolNews News)> RecordWithNewsAsync(
        NpgsqlConnection conn, long runId, SchoolLevels levels, int reminderCooldownDays, CancellationToken ct = default)
    {
        levels = await WithHeldTrendAsync(conn, levels, ct);
        SchoolNews? news = null;
        var records = await flags.RecordAsync(conn, runId, levels.Assessment, async all =>
        {
            news = await NewsAsync(conn, levels, new RecordedFlags(runId, all), reminderCooldownDays, ct);
            return news.Pupils.Select(p => p.Flag.PupilKey).ToList();
        }, ct);
        return (new RecordedFlags(runId, records), news!);
    }

    /// <summary>
    /// A Trend flag raised on a night since the last digest is held, while the pupil stays at no level, until a digest has
    /// told the rektor about it: the model may see a rise on a Wednesday that its scores no longer show by Monday, and a
    /// weekly digest that names only Monday's flags would never carry it.
    /// </summary>
    private static async Task<SchoolLevels> WithHeldTrendAsync(NpgsqlConnection conn, SchoolLevels levels, CancellationToken ct)
    {
        var a = levels.Assessment;
        var flagged = a.Flagged.Where(x => x.Level is not null).Select(x => x.Figures.PupilKey).ToHashSet(PupilKeyComparer.Instance);
        var held = (await LevelHistoryStore.OpenUntoldAsync(conn, a.Skolenhetskod, Level.Trend, ct))
            .Where(k => !flagged.Contains(k))
            .Select(levels.HoldTrend).OfType<Assessment>().ToList();
        return held.Count == 0 ? levels : levels with { Assessment = a with { Flagged = [.. a.Flagged, .. held] } };
    }

    /// <summary>
    /// Every pupil at a level in concern order, with what is news since the last digest told the rektor about anyone (or
    /// everything, before the school's first digest), each pupil's course over the last weeks, and whether their absence is
    /// one finished illness spell. Read on the caller's transaction, once the level history is in step
    /// (<see cref="RecordAsync"/>, or inside <see cref="RecordWithNewsAsync"/>, which stores the order with the flags). A pupil
    /// still at the same level is due a reminder <paramref name="reminderCooldownDays"/> after the last digest told of them.
    /// </summary>
    public async Task<SchoolNews> NewsAsync(
        NpgsqlConnection conn, SchoolLevels levels, RecordedFlags recorded, int reminderCooldownDays, CancellationToken ct = default)
    {
        var a = levels.Assessment;
        var (school, asOf) = (a.Skolenhetskod, a.AsOf);
        var lateCounts = a.Thresholds.LateCountsAsAbsence;
        var lastDigest = await LevelHistoryStore.LastReportedAtSchoolAsync(conn, school, ct);
        var episodes = await LevelHistoryStore.RecentAsync(conn, school, Min(lastDigest ?? asOf, asOf.AddDays(-400)), ct);
        var assessed = a.Flagged.ToDictionary(x => x.Figures.PupilKey, PupilKeyComparer.Instance);
        var days = await DaysAsync(school, recorded.All.Select(f => f.PupilKey), asOf, ct);
        var cooldown = reminderCooldownDays;
        var termStart = Term.Containing(asOf).Start;
        var investigations = await InvestigationStore.ForSchoolAsync(conn, school, null, ct);
        var schoolDays = a.ShowsDays ? await facts.SchoolDaysAsync(school, asOf.AddDays(-7 * (PupilCourse.Weeks + 1)), asOf, ct) : [];

        var pupils = new List<ReportablePupil>();
        foreach (var flag in recorded.All)
        {
            var figures = assessed[flag.PupilKey].Figures;
            var investigation = investigations.GetValueOrDefault(flag.PupilKey);
            var (reason, from) = Reason(flag, episodes[flag.PupilKey].ToList(), investigation, asOf, cooldown);
            var (term, recent) = (figures.Term.AbsenceShare(lateCounts), figures.Recent.AbsenceShare(lateCounts));
            var pupilDays = days.GetValueOrDefault(flag.PupilKey) ?? [];
            pupils.Add(new ReportablePupil(
                flag, reason, from, term, recent, figures.Recent.Days, PupilCourse.DirectionOf(term, recent),
                Concern.Score(figures, lateCounts, reason is ReportReason.New or ReportReason.Escalated, levels.Trend.GetValueOrDefault(flag.PupilKey)?.Probability ?? assessed[flag.PupilKey].TrendScore?.Probability),
                a.ShowsDays ? PupilCourse.FinishedIllnessSpell([.. pupilDays.Where(d => d.Date >= termStart)], asOf) : null,
                a.ShowsDays ? PupilCourse.MarkLov(PupilCourse.WeeklyShares(pupilDays, asOf, lateCounts), schoolDays) : null,
                investigation));
        }

        var flagged = recorded.All.Select(f => f.PupilKey).ToHashSet(PupilKeyComparer.Instance);
        var left = lastDigest is { } since
            ? episodes.Count(g => !flagged.Contains(g.Key) && g.Any(e => e.LeftOn > since && e.LeftBecause is LeftBecause.BelowThresholds or LeftBecause.LeftSchool))
            : 0;
        var ordered = Concern.Order(pupils, p => p.Flag.Level, p => p.FinishedSpell is not null, p => p.Concern)
            .ThenBy(p => Convert.ToHexString(p.Flag.PupilKey), StringComparer.Ordinal)
            .ToList();
        return new SchoolNews(school, asOf, lastDigest, ordered, left, a.ShowsDays);
    }

    /// <summary>The pupils a digest told the rektor about: their cool-down starts today.</summary>
    public Task MarkReportedAsync(NpgsqlConnection conn, string school, IEnumerable<byte[]> told, DateOnly asOf, CancellationToken ct = default) =>
        history.MarkReportedAsync(conn, school, told, asOf, ct);

    /// <summary>
    /// News is judged against what the rektor was last told in the pupil's unbroken run of episodes: never told, or told
    /// at a lower level, is news (escalated from the level they were at before, or were told about); told at this level or
    /// above is a reminder once the cool-down has passed — unless an investigation is open ("utredning inledd", not yet
    /// closed): then the rektor is acting and hears of the pupil again only if they escalate. After a closed investigation the
    /// cool-down counts from the closing date.
    /// </summary>
    private static (ReportReason, Level?) Reason(FlagRecord flag, List<LevelEpisode> episodes, Investigation? investigation, DateOnly asOf, int cooldown)
    {
        var chain = new List<LevelEpisode>();
        for (var i = episodes.Count - 1; i >= 0; i--)
        {
            if (chain.Count == 0 ? episodes[i].IsOpen : episodes[i].LeftOn == chain[^1].EnteredOn)
            {
                chain.Add(episodes[i]);
            }
            else if (chain.Count > 0)
            {
                break;
            }
        }

        var told = chain.Where(e => e.LastReportedOn is not null).Select(e => (Level?)e.Level).Max();
        var last = Max(flag.LastReportedOn, investigation?.ClosedOn);
        var reminderDue = investigation?.IsOpen != true && (last is null || asOf.DayNumber - last.Value.DayNumber >= cooldown);
        return told switch
        {
            null when chain.Count > 1 && chain[0].EnteredAs == EnteredAs.Escalated && chain[1].Level < flag.Level => (ReportReason.Escalated, chain[1].Level),
            null => (ReportReason.New, null),
            { } t when t < flag.Level => (ReportReason.Escalated, t),
            _ => (reminderDue ? ReportReason.Reminder : ReportReason.AtLevel, null),
        };
    }

    /// <summary>The flagged pupils' days from the start of the term or of their last weeks, whichever is earlier.</summary>
    private Task<Dictionary<byte[], DayFact[]>> DaysAsync(string school, IEnumerable<byte[]> keys, DateOnly asOf, CancellationToken ct) =>
        facts.ReadPupilsAsync(school, keys.ToList(), Min(Term.Containing(asOf).Start, asOf.AddDays(-7 * (PupilCourse.Weeks + 1))), asOf, ct);

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

    private static DateOnly? Max(DateOnly? a, DateOnly? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
