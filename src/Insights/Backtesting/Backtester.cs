using System.Globalization;
using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Insights.Backtesting;

/// <summary>One pupil at one level in a back-test: when each configuration first put them there (null: never).</summary>
public sealed record BacktestPupil(string Skolenhetskod, byte[] PupilKey, Level Level, DateOnly? CurrentFirst, DateOnly? CandidateFirst)
{
    /// <summary>School days the candidate flagged the pupil before the current rules (negative: after); null unless both did.</summary>
    public int? SchoolDaysEarlier { get; init; }
}

/// <summary>
/// One school (or the whole municipality) and one level. Pupils count when they reached at least the level; entries are
/// what digests would have reported at exactly this level (new at it, or escalated to it): the rektors' load.
/// </summary>
public sealed record BacktestRow(
    string Skolenhetskod, string School, string Driftsform, Level Level, int SchoolDays, int Weeks,
    int PupilsCurrent, int PupilsCandidate, int Both, int OnlyCurrent, int OnlyCandidate,
    IReadOnlyList<int> SchoolDaysEarlier, int EntriesCurrent, int EntriesCandidate)
{
    public int Earlier => SchoolDaysEarlier.Count(d => d > 0);
    public int Later => SchoolDaysEarlier.Count(d => d < 0);
    public int Same => SchoolDaysEarlier.Count(d => d == 0);
    public double? MedianDaysEarlier => Median(SchoolDaysEarlier.Where(d => d > 0));
    public double? MedianDaysLater => Median(SchoolDaysEarlier.Where(d => d < 0).Select(d => -d));
    public double PerWeekCurrent => Weeks == 0 ? 0 : (double)EntriesCurrent / Weeks;
    public double PerWeekCandidate => Weeks == 0 ? 0 : (double)EntriesCandidate / Weeks;

    private static double? Median(IEnumerable<int> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null
            : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
            : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
    }
}

public sealed record BacktestResult(
    DateOnly From, DateOnly To, int Weeks, IReadOnlyList<BacktestRow> Schools, IReadOnlyList<BacktestRow> Totals, IReadOnlyList<BacktestPupil> Pupils)
{
    /// <summary>Per school and replayed school day: how many pupils each configuration had at each level that night.</summary>
    public IReadOnlyList<BacktestNight> Nights { get; init; } = [];
}

/// <summary>
/// One school on one replayed school day: pupils at exactly riskfrånvaro and at hög frånvaro under each configuration, as
/// the nightly run would have listed them. <see cref="TermDay"/> counts the school's days with facts in the term, from 1.
/// </summary>
public sealed record BacktestNight(
    string Skolenhetskod, DateOnly Date, int TermDay, int AtRiskCurrent, int HighCurrent, int AtRiskCandidate, int HighCandidate);

public sealed record BacktestProgress(int SchoolsDone, int Schools, string School);

/// <summary>
/// Replays history day by day with two configurations, the current and a candidate, exactly as the nightly run would have
/// applied them on each school day: each pupil's facts at the school in the term up to that day (with the previous term's
/// last school days the recent window reaches back to), the same roll rule, the same levels. Facts are read once per
/// school and pupil, streaming; both configurations are evaluated on the same pass. The facts are today's, including
/// later corrections: the replay shows what the rules make of the history as now known.
/// </summary>
public sealed class Backtester(NpgsqlDataSource db, AttendanceFactStore facts)
{
    private static readonly Level[] Levels = [Level.AtRisk, Level.High];

    public async Task<BacktestResult> RunAsync(
        ThresholdOptions current, ThresholdOptions candidate, DateOnly from, DateOnly to, IReadOnlyCollection<string>? onlySchools = null,
        IProgress<BacktestProgress>? progress = null, CancellationToken ct = default)
    {
        var schools = (await SchoolsAsync(ct)).Where(s => onlySchools is null || onlySchools.Contains(s.Code)).ToList();
        var rows = new List<BacktestRow>();
        var pupils = new List<BacktestPupil>();
        var nights = new List<BacktestNight>();
        var allWeeks = new HashSet<(int, int)>();
        for (var i = 0; i < schools.Count; i++)
        {
            var (code, name, driftsform) = schools[i];
            progress?.Report(new BacktestProgress(i, schools.Count, name));
            var days = await facts.SchoolDaysAsync(code, from, to, ct);
            if (days.Count == 0)
            {
                continue;
            }

            allWeeks.UnionWith(days.Select(Week));
            rows.AddRange(await ReplaySchoolAsync(code, name, driftsform, days, current.For(code, driftsform), candidate.For(code, driftsform), pupils, nights, ct));
        }

        progress?.Report(new BacktestProgress(schools.Count, schools.Count, ""));
        var totals = Levels.Select(level =>
        {
            var r = rows.Where(x => x.Level == level).ToList();
            return new BacktestRow("", "Alla skolor", "", level, r.Count == 0 ? 0 : r.Max(x => x.SchoolDays), allWeeks.Count,
                r.Sum(x => x.PupilsCurrent), r.Sum(x => x.PupilsCandidate), r.Sum(x => x.Both), r.Sum(x => x.OnlyCurrent), r.Sum(x => x.OnlyCandidate),
                r.SelectMany(x => x.SchoolDaysEarlier).ToList(), r.Sum(x => x.EntriesCurrent), r.Sum(x => x.EntriesCandidate));
        }).ToList();
        return new BacktestResult(from, to, allWeeks.Count, rows, totals, pupils) { Nights = nights };
    }

    private async Task<List<BacktestRow>> ReplaySchoolAsync(
        string code, string name, string driftsform, IReadOnlyList<DateOnly> days, EffectiveThresholds current, EffectiveThresholds candidate,
        List<BacktestPupil> pupils, List<BacktestNight> nights, CancellationToken ct)
    {
        var arrivals = await facts.ArrivalsElsewhereAsync(code, days[^1], ct);
        var termStarts = days.Select(d => Term.Containing(d).Start).ToArray();
        var termDays = await TermDaysAsync(code, days, ct);
        var (currentFroms, candidateFroms) = await WindowFromsAsync(code, days, termStarts, termDays, current.RecentWindowDays, candidate.RecentWindowDays, ct);
        var replay = new BothRulesReplay(code, days, termStarts, current, candidate, currentFroms, candidateFroms);
        var counts = Levels.ToDictionary(l => l, _ => new LevelCounts());
        await foreach (var (key, pupilDays) in facts.ReadPupilsAsync(code, currentFroms[0] < candidateFroms[0] ? currentFroms[0] : candidateFroms[0], days[^1], ct))
        {
            replay.Pupil(key, CollectionsMarshal.AsSpan(pupilDays), arrivals.GetValueOrDefault(key));
            CountFirstDays(counts, replay, code, key, days, pupils);
        }

        for (var i = 0; i < days.Count; i++)
        {
            var n = replay.PerNight;
            nights.Add(new BacktestNight(code, days[i], termDays[i], n[i, 0], n[i, 1], n[i, 2], n[i, 3]));
        }

        var weeks = days.Select(Week).Distinct().Count();
        return Levels.Select(level =>
        {
            var c = counts[level];
            return new BacktestRow(code, name, driftsform, level, days.Count, weeks, c.Current, c.Candidate, c.Earlier.Count,
                c.Current - c.Earlier.Count, c.Candidate - c.Earlier.Count, c.Earlier, c.EntriesCurrent, c.EntriesCandidate);
        }).ToList();
    }

    /// <summary>
    /// Each day's recent window's start under either rule set. As the nightly run (ThresholdAnalysis.AssessSchoolAsync):
    /// while the school has fewer school days in the term than the window, the window may reach back into the previous
    /// term's last school days at the school.
    /// </summary>
    private async Task<(DateOnly[] Current, DateOnly[] Candidate)> WindowFromsAsync(
        string code, IReadOnlyList<DateOnly> days, DateOnly[] termStarts, int[] termDays, int currentWindow, int candidateWindow, CancellationToken ct)
    {
        var reachBacks = new Dictionary<(DateOnly, int), DateOnly>();
        async Task<DateOnly> WindowFrom(int i, int windowDays)
        {
            if (termDays[i] >= windowDays)
            {
                return termStarts[i];
            }

            if (!reachBacks.TryGetValue((termStarts[i], windowDays), out var reachBack))
            {
                reachBack = reachBacks[(termStarts[i], windowDays)] = await facts.ReachBackAsync(code, Term.Containing(termStarts[i]), windowDays, ct);
            }

            return reachBack;
        }

        var currentFroms = new DateOnly[days.Count];
        var candidateFroms = new DateOnly[days.Count];
        for (var i = 0; i < days.Count; i++)
        {
            currentFroms[i] = await WindowFrom(i, currentWindow);
            candidateFroms[i] = await WindowFrom(i, candidateWindow);
        }

        return (currentFroms, candidateFroms);
    }

    /// <summary>A pupil's first day at each level under either rule set, how many entries, and how much earlier the candidate was.</summary>
    private static void CountFirstDays(
        Dictionary<Level, LevelCounts> counts, BothRulesReplay replay, string code, byte[] key, IReadOnlyList<DateOnly> days, List<BacktestPupil> pupils)
    {
        var (cur, cand) = (replay.Current, replay.Candidate);
        foreach (var level in Levels)
        {
            var c = counts[level];
            c.EntriesCurrent += cur.Entries[(int)level];
            c.EntriesCandidate += cand.Entries[(int)level];
            var (a, b) = (cur.First[(int)level], cand.First[(int)level]);
            if (a is null && b is null)
            {
                continue;
            }

            c.Current += a is null ? 0 : 1;
            c.Candidate += b is null ? 0 : 1;
            int? earlier = a is { } x && b is { } y ? x - y : null;
            if (earlier is { } e)
            {
                c.Earlier.Add(e);
            }

            pupils.Add(new BacktestPupil(code, key, level, a is { } ai ? days[ai] : null, b is { } bi ? days[bi] : null) { SchoolDaysEarlier = earlier });
        }
    }

    /// <summary>One pupil at a time, the current and the candidate rules on every school day; the pupils at a level per night.</summary>
    private sealed class BothRulesReplay(
        string code, IReadOnlyList<DateOnly> days, DateOnly[] termStarts, EffectiveThresholds current, EffectiveThresholds candidate,
        DateOnly[] currentFroms, DateOnly[] candidateFroms)
    {
        private readonly FigureSettings currentSettings = new(current.RecentWindowDays, 0);
        private readonly FigureSettings candidateSettings = new(candidate.RecentWindowDays, 0);
        private readonly SchoolDayReplay currentReplay = new(days, currentFroms);
        private readonly SchoolDayReplay candidateReplay = new(days, candidateFroms);

        public PupilState Current { get; } = new();
        public PupilState Candidate { get; } = new();
        /// <summary>Per day: [current at risk, current high, candidate at risk, candidate high].</summary>
        public int[,] PerNight { get; } = new int[days.Count, 4];

        public void Pupil(byte[] key, Span<DayFact> span, DateOnly[]? arrivals)
        {
            Current.Reset();
            Candidate.Reset();
            currentReplay.Load(span, arrivals);
            candidateReplay.Load(span, arrivals);
            for (var i = 0; i < days.Count; i++)
            {
                Level? levelNow = null, candidateNow = null;
                if (currentReplay.OnRoll[i])
                {
                    var f = PupilFigures.Compute(key, code, span[currentReplay.Start[i]..currentReplay.End[i]], days[i], currentSettings, termStarts[i]);
                    levelNow = RuleEvaluator.LevelOf(f, current);
                    candidateNow = RuleEvaluator.LevelOf(
                        candidateSettings == currentSettings && candidateFroms[i] == currentFroms[i]
                            ? f
                            : PupilFigures.Compute(key, code, span[candidateReplay.Start[i]..candidateReplay.End[i]], days[i], candidateSettings, termStarts[i]),
                        candidate);
                }

                Current.Observe(levelNow, i);
                Candidate.Observe(candidateNow, i);
                if (levelNow is { } ln)
                {
                    PerNight[i, ln == Level.High ? 1 : 0]++;
                }

                if (candidateNow is { } cn)
                {
                    PerNight[i, cn == Level.High ? 3 : 2]++;
                }
            }
        }
    }

    /// <summary>Each replayed day's number among the school's days with facts in its term (the term's first school day is 1).</summary>
    private async Task<int[]> TermDaysAsync(string code, IReadOnlyList<DateOnly> days, CancellationToken ct)
    {
        var numbers = new int[days.Count];
        foreach (var term in days.Select(Term.Containing).Distinct())
        {
            var termDays = await facts.SchoolDaysAsync(code, term.Start, term.End, ct);
            for (var i = 0; i < days.Count; i++)
            {
                if (days[i] >= term.Start && days[i] <= term.End)
                {
                    numbers[i] = termDays.Count(d => d <= days[i]);
                }
            }
        }

        return numbers;
    }

    private async Task<List<(string Code, string Name, string Driftsform)>> SchoolsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select skolenhetskod, name, driftsform from school order by name, skolenhetskod");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var schools = new List<(string, string, string)>();
        while (await r.ReadAsync(ct))
        {
            schools.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return schools;
    }

    private static (int Year, int Week) Week(DateOnly d) =>
        (ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)));

    private sealed class LevelCounts
    {
        public int Current, Candidate, EntriesCurrent, EntriesCandidate;
        public readonly List<int> Earlier = [];
    }

    /// <summary>One configuration's view of one pupil through the replay: as the level history would have recorded it.</summary>
    private sealed class PupilState
    {
        public readonly int?[] First = new int?[4];
        public readonly int[] Entries = new int[4];
        private Level? _previous;

        public void Reset()
        {
            Array.Clear(First);
            Array.Clear(Entries);
            _previous = null;
        }

        public void Observe(Level? level, int dayIndex)
        {
            if (level is not { } l)
            {
                _previous = null;
                return;
            }

            for (var at = (int)Level.AtRisk; at <= (int)l; at++)
            {
                First[at] ??= dayIndex;
            }

            // New at a level, or escalated to it: what a digest reports. Going down a level is not news.
            if (_previous is null || l > _previous)
            {
                Entries[(int)l]++;
            }

            _previous = l;
        }
    }
}
