using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Flags;

public enum LevelChange { New, Escalated, Still }

/// <summary>A pupil's level in one run, compared with the level history: what a digest reports.</summary>
public sealed record FlagRecord(
    byte[] PupilKey, string Skolenhetskod, Level Level, DateOnly Since, LevelChange Change, Level? PreviousLevel,
    IReadOnlyList<string> Descriptions, string FiguresJson)
{
    /// <summary>The last time a digest told the school's rektor about this pupil, at any level; null if never.</summary>
    public DateOnly? LastReportedOn { get; init; }
}

/// <summary>
/// Records each run's flags and keeps the level history (level_episode) in step, in the caller's transaction. A pupil's
/// change is judged against their open episode, not against the previous run, so a run that failed for another school
/// or a night without a run never makes a pupil look new again.
/// </summary>
public sealed class FlagStore
{
    /// <summary>
    /// Writes the school's flags for <paramref name="runId"/> and the level changes they make, on the caller's connection
    /// and transaction, so the digest that reports them is recorded atomically with them. Pupils with an open episode who
    /// are no longer flagged leave their level: below every threshold, or off the school's roll.
    /// </summary>
    public Task<IReadOnlyList<FlagRecord>> RecordAsync(NpgsqlConnection conn, long runId, SchoolAssessment school, CancellationToken ct = default) =>
        RecordAsync(conn, runId, school.Skolenhetskod, school.AsOf, school.Flagged, school.OnRoll, ct);

    /// <summary>
    /// As above, with the concern order written with the flags: <paramref name="order"/> gets the school's flag records once
    /// the level history is in step (on the same transaction) and returns their keys in concern order (the first is rank 1).
    /// One write of each flag, not a COPY and then an UPDATE of every row just written.
    /// </summary>
    public Task<IReadOnlyList<FlagRecord>> RecordAsync(
        NpgsqlConnection conn, long runId, SchoolAssessment school, Func<IReadOnlyList<FlagRecord>, Task<IReadOnlyList<byte[]>>> order,
        CancellationToken ct = default) =>
        RecordAsync(conn, runId, school.Skolenhetskod, school.AsOf, school.Flagged, school.OnRoll, ct, order);

    /// <summary>As above, for assessments made elsewhere; an unflagged pupil counts as still on the roll.</summary>
    public Task<IReadOnlyList<FlagRecord>> RecordAsync(
        NpgsqlConnection conn, long runId, string school, DateOnly asOf, IEnumerable<Assessment> assessments, CancellationToken ct = default) =>
        RecordAsync(conn, runId, school, asOf, assessments, null, ct);

    private static async Task<IReadOnlyList<FlagRecord>> RecordAsync(
        NpgsqlConnection conn, long runId, string school, DateOnly asOf, IEnumerable<Assessment> assessments, IReadOnlySet<byte[]>? onRoll,
        CancellationToken ct, Func<IReadOnlyList<FlagRecord>, Task<IReadOnlyList<byte[]>>>? order = null)
    {
        var flagged = assessments.Where(a => a.Level is not null).ToList();
        var (open, lastReported) = await LevelHistoryStore.OpenAndLastReportedAsync(conn, school, flagged.Select(a => a.Figures.PupilKey).ToList(), ct);
        var changes = new EpisodeChanges();
        var records = flagged.Select(a => changes.Record(a, school, asOf, open, lastReported)).ToList();
        changes.CloseUnflagged(open, onRoll);
        await LevelHistoryStore.ApplyAsync(conn, runId, school, asOf, changes.Closes, changes.Opens, ct);
        var ranks = await RanksAsync(order, records);
        await CopyFlagsAsync(conn, runId, school, records, ranks, ct);
        return records;
    }

    /// <summary>The level episodes a night closes and opens, found while each flagged pupil's change is named.</summary>
    private sealed class EpisodeChanges
    {
        private readonly HashSet<byte[]> stillFlagged = new(PupilKeyComparer.Instance);

        public List<(byte[], LeftBecause)> Closes { get; } = [];

        public List<(byte[], Level, EnteredAs)> Opens { get; } = [];

        public FlagRecord Record(
            Assessment a, string school, DateOnly asOf, Dictionary<byte[], LevelEpisode> open, Dictionary<byte[], DateOnly> lastReported)
        {
            var key = a.Figures.PupilKey;
            var level = a.Level!.Value;
            stillFlagged.Add(key);
            LevelChange change;
            DateOnly since;
            Level? previous = null;
            if (!open.TryGetValue(key, out var episode))
            {
                (change, since) = (LevelChange.New, a.ReachedOn ?? asOf);
                Opens.Add((key, level, EnteredAs.New));
            }
            else if (episode.Level == level)
            {
                (change, since, previous) = (LevelChange.Still, a.ReachedOn ?? episode.EnteredOn, episode.Level);
            }
            else if (level > episode.Level)
            {
                (change, since, previous) = (LevelChange.Escalated, a.ReachedOn ?? asOf, episode.Level);
                Closes.Add((key, LeftBecause.Escalated));
                Opens.Add((key, level, EnteredAs.Escalated));
            }
            else
            {
                // A pupil who went down a level is still watched, but it is news only if they rise again.
                (change, since, previous) = (LevelChange.Still, asOf, episode.Level);
                Closes.Add((key, LeftBecause.Lowered));
                Opens.Add((key, level, EnteredAs.Lowered));
            }

            return new FlagRecord(key, school, level, since, change, previous, a.Descriptions, FiguresJson(a))
            {
                LastReportedOn = lastReported.TryGetValue(key, out var reported) ? reported : null,
            };
        }

        /// <summary>Open episodes of pupils no longer flagged: below the thresholds, or gone from the school's roll.</summary>
        public void CloseUnflagged(Dictionary<byte[], LevelEpisode> open, IReadOnlySet<byte[]>? onRoll)
        {
            foreach (var (key, _) in open)
            {
                if (!stillFlagged.Contains(key))
                {
                    Closes.Add((key, onRoll is null || onRoll.Contains(key) ? LeftBecause.BelowThresholds : LeftBecause.LeftSchool));
                }
            }
        }
    }

    /// <summary>Each flag's place in the order of concern, 1 first, when an order is given.</summary>
    private static async Task<Dictionary<byte[], int>> RanksAsync(
        Func<IReadOnlyList<FlagRecord>, Task<IReadOnlyList<byte[]>>>? order, List<FlagRecord> records)
    {
        var ranks = new Dictionary<byte[], int>(PupilKeyComparer.Instance);
        if (order is not null)
        {
            var ordered = await order(records);
            for (var i = 0; i < ordered.Count; i++)
            {
                ranks.TryAdd(ordered[i], i + 1);
            }
        }

        return ranks;
    }

    private static async Task CopyFlagsAsync(
        NpgsqlConnection conn, long runId, string school, List<FlagRecord> records, Dictionary<byte[], int> ranks, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy flag (run_id, skolenhetskod, pupil_key, level, since, change, figures_json, descriptions, concern_rank) from stdin (format binary)", ct);
        foreach (var r in records)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(runId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(school, NpgsqlDbType.Char, ct);
            await copy.WriteAsync(r.PupilKey, NpgsqlDbType.Bytea, ct);
            await copy.WriteAsync(r.Level.ToString(), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.Since, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(r.Change.ToString(), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.FiguresJson, NpgsqlDbType.Jsonb, ct);
            await copy.WriteAsync(r.Descriptions.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            if (ranks.TryGetValue(r.PupilKey, out var rank))
            {
                await copy.WriteAsync(rank, NpgsqlDbType.Integer, ct);
            }
            else
            {
                await copy.WriteNullAsync(ct);
            }
        }

        await copy.CompleteAsync(ct);
    }

    /// <summary>The figures behind a flag, kept with it for analysts, reports and the digest's supporting numbers.</summary>
    public static string FiguresJson(Assessment a)
    {
        var f = a.Figures;
        var late = a.LateCountsAsAbsence;
        var p = a.Patterns;
        return JsonSerializer.Serialize(new
        {
            scheduledDays = f.ScheduledDays,
            lastDate = f.LastDate,
            lateCountsAsAbsence = late,
            recentDays = f.Recent.Days,
            recentFrom = f.Recent.From,
            recentAbsenceShare = Math.Round(f.Recent.AbsenceShare(late), 4),
            recentExcusedShare = Math.Round(f.Recent.ExcusedShare, 4),
            recentUnexcusedShare = Math.Round(f.Recent.UnexcusedShare, 4),
            recentLateShare = Math.Round(f.Recent.LateShare, 4),
            recentUnexcusedMinutes = f.Recent.UnexcusedMinutes,
            recentLateMinutes = f.Recent.LateMinutes,
            recentLateDays = f.Recent.LateDays,
            recentPartDays = f.Recent.PartDays,
            recentWholeDays = f.Recent.WholeDays,
            termDays = f.Term.Days,
            termAbsenceShare = Math.Round(f.Term.AbsenceShare(late), 4),
            termExcusedShare = Math.Round(f.Term.ExcusedShare, 4),
            termUnexcusedShare = Math.Round(f.Term.UnexcusedShare, 4),
            termLateShare = Math.Round(f.Term.LateShare, 4),
            termUnexcusedMinutes = f.Term.UnexcusedMinutes,
            longestSpellDays = f.LongestSpellDays,
            longestSpellStart = f.LongestSpellStart,
            currentSpellDays = f.CurrentSpellDays,
            rulesMet = a.RulesMet,
            patterns = new
            {
                shape = p.Shape.ToString(),
                recurringWeekday = p.RecurringWeekday is { } w ? new { day = w.Day.ToString(), absent = w.AbsentDays, of = w.Occurrences } : null,
                oneSubject = p.OneSubject is { } s ? new { subject = s.Subject, absentLessons = s.AbsentLessons, lessons = s.Lessons } : null,
                lateArrivals = p.LateArrivals,
            },
            trend = a.TrendScore is { } t
                ? new
                {
                    model = t.ModelVersion,
                    probability = Math.Round(t.Probability, 4),
                    contributions = t.Contributions.Select(c => new { feature = c.Feature, contribution = Math.Round(c.Contribution, 4) }),
                }
                : null,
        });
    }
}
