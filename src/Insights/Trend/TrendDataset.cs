using System.Runtime.InteropServices;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Backtesting;

namespace Skolnarvaro.Insights.Trend;

public sealed record TrendDatasetProgress(int SchoolsDone, int Schools, string School, int Samples);

/// <summary>What the samples' label is: see <see cref="TrendOptions.Label"/>.</summary>
public sealed record TrendLabelling(int HorizonWeeks, TrendLabel Label = TrendLabel.Lasting, Level LastingLevel = Level.High, int LeadDays = 0)
{
    /// <summary>For training: the options' label, with <see cref="TrendOptions.LabelLeadDays"/>.</summary>
    public static TrendLabelling From(TrendOptions o) => new(o.HorizonWeeks, o.Label, o.LastingLevel, o.LabelLeadDays);
}

/// <summary>
/// Builds labelled samples from the facts, replaying the rules school day by school day with the back-test's
/// <see cref="SchoolDayReplay"/> (same term windows, same roll rule, same levels).
/// Sampling: every school day of the school, for every pupil on the roll with at least the minimum scheduled days —
/// pupils at a level included, so the model ranks everyone and is compared with the rule on the same pupil-days.
/// Labels: <c>Lasting</c> — over the next <c>HorizonWeeks × 5</c> school days the pupil's absence, taken together, reaches
/// the level's share (and they were registered on at least half of those days; otherwise the outcome is unknown and the
/// day not sampled); <c>Crossing</c> — the rules put the pupil at High on one of those days. A day whose horizon reaches
/// past the last school day of the period is not sampled: its outcome is not known yet.
/// </summary>
public sealed class TrendDataset(NpgsqlDataSource db, AttendanceFactStore facts)
{
    public async Task<IReadOnlyList<TrendSample>> BuildAsync(
        DateOnly from, DateOnly to, ThresholdOptions thresholds, TrendLabelling labelling, IProgress<TrendDatasetProgress>? progress = null,
        CancellationToken ct = default)
    {
        var schools = await SchoolsAsync(ct);
        var samples = new List<TrendSample>();
        for (var i = 0; i < schools.Count; i++)
        {
            var (code, name, driftsform) = schools[i];
            progress?.Report(new TrendDatasetProgress(i, schools.Count, name, samples.Count));
            await AddSchoolAsync(code, driftsform, from, to, thresholds.For(code, driftsform), labelling, samples, ct);
        }

        progress?.Report(new TrendDatasetProgress(schools.Count, schools.Count, "", samples.Count));
        return samples;
    }

    private async Task AddSchoolAsync(
        string code, string driftsform, DateOnly from, DateOnly to, EffectiveThresholds t, TrendLabelling labelling, List<TrendSample> samples,
        CancellationToken ct)
    {
        var days = await facts.SchoolDaysAsync(code, from, to, ct);
        if (days.Count <= labelling.HorizonWeeks * 5)
        {
            return;
        }

        var pupils = await TrendPupils.ReadAsync(db, code, ct);
        var arrivals = await facts.ArrivalsElsewhereAsync(code, to, ct);
        var school = new SchoolSampler(code, driftsform, days, t, labelling, samples);
        await foreach (var (key, pupilDays) in facts.ReadPupilsAsync(code, TrendPupils.FactsFrom(days[0]), days[^1], ct))
        {
            school.AddPupil(key, CollectionsMarshal.AsSpan(pupilDays), arrivals.GetValueOrDefault(key), pupils.GetValueOrDefault(key));
        }
    }

    /// <summary>One school's samples, pupil by pupil: the rules replayed on each school day, then the days labelled last first.</summary>
    private sealed class SchoolSampler(
        string code, string driftsform, IReadOnlyList<DateOnly> days, EffectiveThresholds t, TrendLabelling labelling, List<TrendSample> samples)
    {
        private readonly int horizonDays = labelling.HorizonWeeks * 5;
        private readonly FigureSettings settings = new(t.RecentWindowDays, 0);
        private readonly double lastingShare = t.Rules(labelling.LastingLevel).AbsenceShare ?? t.High.AbsenceShare ?? 0.2;
        private readonly SchoolDayReplay replay = new(days);
        private readonly Level?[] levels = new Level?[days.Count];
        private readonly int[] counts = new int[days.Count];

        public void AddPupil(byte[] key, ReadOnlySpan<DayFact> span, DateOnly[]? arrivals, TrendPupil info)
        {
            replay.Load(span, arrivals);
            ReplayLevels(key, span);
            var sums = new HorizonSums(span);
            var first = samples.Count;
            AddSamples(key, span, sums, info);
            if (labelling.Label == TrendLabel.Onset)
            {
                LabelOnsets(samples, first, labelling.LeadDays);
            }
        }

        /// <summary>The pupil's level and scheduled days by the rules on each school day they are on the roll.</summary>
        private void ReplayLevels(byte[] key, ReadOnlySpan<DayFact> span)
        {
            for (var i = 0; i < days.Count; i++)
            {
                levels[i] = null;
                counts[i] = 0;
                if (replay.OnRoll[i])
                {
                    var f = PupilFigures.Compute(key, code, span[replay.Start[i]..replay.End[i]], days[i], settings);
                    counts[i] = f.ScheduledDays;
                    levels[i] = RuleEvaluator.LevelOf(f, t);
                }
            }
        }

        /// <summary>A sample for each school day whose horizon is known, from the last day back (the labels look ahead).</summary>
        private void AddSamples(byte[] key, ReadOnlySpan<DayFact> span, HorizonSums sums, TrendPupil info)
        {
            int? nextHigh = null;
            int? nextLasting = null;
            for (var i = days.Count - 1; i >= 0; i--)
            {
                if (i + horizonDays < days.Count && replay.OnRoll[i] && counts[i] >= t.MinimumScheduledDays)
                {
                    int a = replay.End[i], b = replay.End[i + horizonDays];
                    var known = labelling.Label == TrendLabel.Crossing || sums.RegisteredDays[b] - sums.RegisteredDays[a] >= horizonDays / 2;
                    if (known)
                    {
                        var lasting = sums.Absent[b] - sums.Absent[a] >= lastingShare * (sums.Registered[b] - sums.Registered[a]) - 1e-9
                            && sums.Registered[b] > sums.Registered[a];
                        var features = TrendFeatures.Compute(span[..replay.End[i]], days[i], info.GradeOn(days[i]));
                        int? toHigh = nextHigh - i;
                        var crossing = toHigh <= horizonDays;
                        // With LeadDays, the days just before lasting absence begins are positive too (see TrendOptions.LabelLeadDays).
                        var lastingSoon = lasting || nextLasting - i <= labelling.LeadDays;
                        if (lasting)
                        {
                            nextLasting = i;
                        }

                        samples.Add(new TrendSample(code, key, days[i], features.ToVector(), levels[i], toHigh, nextHigh is { } h ? days[h] : null,
                            labelling.Label == TrendLabel.Lasting ? lastingSoon : crossing, info.Gender ?? "?", driftsform)
                        {
                            HorizonEnd = days[i + horizonDays],
                            Day = i,
                            Grade = info.GradeOn(days[i]),
                            Lasting = lasting,
                            IllnessLike = IllnessSpell.Dominates(features),
                        });
                    }
                }

                // The first day after the next sample's day on which the rules have the pupil at High: the crossing label.
                if (levels[i] == Level.High)
                {
                    nextHigh = i;
                }
            }
        }
    }

    /// <summary>Prefix sums over a pupil's facts: a horizon's absence and registration are a difference of two of them.</summary>
    private readonly struct HorizonSums
    {
        public HorizonSums(ReadOnlySpan<DayFact> span)
        {
            Absent = new long[span.Length + 1];
            Registered = new long[span.Length + 1];
            RegisteredDays = new int[span.Length + 1];
            for (var k = 0; k < span.Length; k++)
            {
                Absent[k + 1] = Absent[k] + span[k].Absent;
                Registered[k + 1] = Registered[k] + span[k].Registered;
                RegisteredDays[k + 1] = RegisteredDays[k] + (span[k].Registered > 0 ? 1 : 0);
            }
        }

        public long[] Absent { get; }
        public long[] Registered { get; }
        public int[] RegisteredDays { get; }
    }

    /// <summary>
    /// The <c>Onset</c> label on one pupil's samples (<paramref name="first"/> to the end, added last day first): a day is
    /// positive when lasting absence begins on it or within <paramref name="leadDays"/> school days after it, as the evaluation
    /// counts a beginning (<see cref="AlertBudgetEvaluation.Begins"/>); the days inside lasting absence that has begun are negative.
    /// </summary>
    private static void LabelOnsets(List<TrendSample> samples, int first, int leadDays)
    {
        var n = samples.Count - first;
        // In day order: position k is samples[first + n - 1 - k].
        TrendSample At(int k) => samples[first + n - 1 - k];
        int? nextOnset = null;
        for (var k = n - 1; k >= 0; k--)
        {
            var s = At(k);
            if (AlertBudgetEvaluation.Begins(k, j => At(j).Lasting))
            {
                nextOnset = s.Day;
            }

            samples[first + n - 1 - k] = s with { Label = nextOnset - s.Day <= leadDays };
        }
    }

    private async Task<List<(string Code, string Name, string Driftsform)>> SchoolsAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select skolenhetskod, name, driftsform from school order by skolenhetskod");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var schools = new List<(string, string, string)>();
        while (await r.ReadAsync(ct))
        {
            schools.Add((r.GetString(0), r.GetString(1), r.GetString(2)));
        }

        return schools;
    }
}
