using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// One way of naming pupils to the rektor, on a group: its digest entries (a pupil newly named, or escalated) and what
/// they were worth. A pupil who goes on to lasting absence is <c>named</c> when the flag stands on the school day the
/// lasting absence begins; the lead is how many school days that flag had then stood. Precision: the share of entries
/// followed by lasting absence within the horizon.
/// </summary>
public sealed record BudgetMetrics(int Entries, double EntriesPerSchoolWeek, int Named, double Recall, double? MedianLeadDays, double Precision)
{
    /// <summary>The recall's 95 % Wilson interval: on a few dozen pupils one pupil moves it by several points.</summary>
    public double RecallLow { get; init; }

    public double RecallHigh { get; init; } = 1;

    /// <summary>Named with the flag standing at least <see cref="AlertBudgetEvaluation.EarlyDays"/> school days before the lasting absence began.</summary>
    public int NamedEarly { get; init; }

    /// <summary><see cref="NamedEarly"/> over the pupils who began lasting absence: recall and lead in one figure, on the same pupils for every way of naming.</summary>
    public double RecallEarly { get; init; }

    /// <summary>Pupil-days with the flag standing: the names on the rektor's list, which entries alone do not count.</summary>
    public int FlaggedDays { get; init; }

    /// <summary>
    /// Named pupils whose flag had stood since their first sampled day in the period (or after a gap that is no term
    /// break): their lead is cut off there, for every way of naming alike.
    /// </summary>
    public int LeadsCutAtStart { get; init; }
}

/// <summary>
/// Lead on the pupils both ways named: the median of (model's lead − rule's lead) in school days. The medians of
/// <see cref="BudgetMetrics.MedianLeadDays"/> are over different pupils (a way that names more pupils also names harder ones).
/// </summary>
public sealed record PairedLead(int Pupils, double? MedianDifference, int ModelEarlier, int RuleEarlier);

/// <summary>The rule, the model at the rule's alert budget, and the nightly run (rule + Trend at the model's cut-off) on one group.</summary>
public sealed record BudgetGroup(string Group, int LastingPupils, BudgetMetrics Rule, BudgetMetrics Model, BudgetMetrics Nightly)
{
    public PairedLead ModelVsRule { get; init; } = new(0, null, 0, 0);
}

/// <summary>The difference in recall between two groups (first − second) with its 95 % interval (Newcombe's hybrid Wilson).</summary>
public sealed record RecallGap(string First, string Second, double Difference, double Low, double High)
{
    /// <summary>The interval includes zero: the groups' recalls cannot be told apart on this many pupils.</summary>
    public bool WithinNoise => Low <= 0 && High >= 0;

    public static RecallGap Between(BudgetGroup a, BudgetGroup b, Func<BudgetGroup, BudgetMetrics> way)
    {
        var (ma, mb) = (way(a), way(b));
        var (la, ha) = (ma.RecallLow, ma.RecallHigh);
        var (lb, hb) = (mb.RecallLow, mb.RecallHigh);
        var d = ma.Recall - mb.Recall;
        return new RecallGap(a.Group, b.Group, d,
            d - Math.Sqrt((ma.Recall - la) * (ma.Recall - la) + (hb - mb.Recall) * (hb - mb.Recall)),
            d + Math.Sqrt((ha - ma.Recall) * (ha - ma.Recall) + (mb.Recall - lb) * (mb.Recall - lb)));
    }
}

/// <summary>Predicted probability against what happened, in bins: 0.4 should mean about 40 %.</summary>
public sealed record CalibrationBin(double From, double To, int Samples, double MeanPredicted, double Observed);

/// <summary>
/// The Trend cut-off a model is stored with: the digest entries it added over the rules alone on the samples it was chosen
/// on, and the upper bound over resamples of their pupils that it was held to (the margin is the difference).
/// </summary>
public sealed record TrendCutOffChoice(double CutOff, double AddedShare, double UpperAddedShare, int Pupils, int RuleEntries)
{
    public double Margin => UpperAddedShare - AddedShare;
}

/// <summary>The rektor's question, answered on a period: see <see cref="AlertBudgetEvaluation"/>.</summary>
public sealed record AlertBudgetResult(
    DateOnly From, DateOnly To, int HorizonWeeks, int SchoolDays, int Samples, int Pupils, int SchoolWeeks,
    double? ModelAuc, double? RuleAuc, double ModelThreshold, double TrendCutOff,
    BudgetGroup Overall, IReadOnlyList<BudgetGroup> ByGender, IReadOnlyList<BudgetGroup> ByDriftsform, IReadOnlyList<BudgetGroup> ByGradeBand,
    IReadOnlyList<BudgetGroup> ByTrajectory,
    int RuleEntriesWithoutLasting, int RuleEntriesIllnessOnly, double NightlyAddedShare, IReadOnlyList<CalibrationBin> Calibration)
{
    /// <summary>The model's flag stands while its probability is at least this share of the threshold.</summary>
    public double Keep { get; init; } = AlertBudgetEvaluation.DefaultKeep;

    /// <summary>Whom the model names at the alert budget.</summary>
    public ModelNames ModelNames { get; init; } = ModelNames.NotHigh;

    /// <summary>
    /// <see cref="NightlyAddedShare"/> counted as a weekly digest tells it: a pupil once a school-week however often their
    /// level rose in it (a pupil wavering over a line is one entry in the digest, several day by day).
    /// </summary>
    public double NightlyAddedShareWeekly { get; init; }
}

/// <summary>
/// Whom the model names at the rule's alert budget. <c>NotHigh</c> (default): pupils not at hög frånvaro — the rule names
/// those already, and in a pupil there lasting absence has mostly begun, so nothing is left to foresee (on development
/// seed 2, a third of the flagged pupil-days of a model naming everyone went to pupils whose lasting absence had begun,
/// and as many to pupils in it since before the period). A flag is raised only below hög frånvaro and ends after
/// <see cref="AlertBudgetEvaluation.HighSpellKept"/> school days in a row there. <c>RaisedNotHigh</c>: the same, but a
/// raised flag stands through any time at hög frånvaro while the probability holds. <c>Everyone</c>: the highest
/// probabilities, whoever has them (the earlier policy). The last two are for comparison.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<ModelNames>))]
public enum ModelNames { NotHigh, Everyone, RaisedNotHigh }

/// <summary>
/// Answers the rektor's question on every school day of a period: at an alert budget equal to the rule's digest entries
/// per school-week, how many pupils who go on to lasting absence were named, how many school days before it began, and
/// how many of the named went on to it. The rule names a pupil while they are at riskfrånvaro or hög frånvaro (an entry
/// when new or escalated); the model — by default only pupils not at hög frånvaro (<see cref="ModelNames"/>) — from when its
/// probability reaches the threshold at which its entries and its flagged pupil-days are at most the rule's, until it falls
/// below <c>keep</c> of it (an entry when a flag starts); the nightly run names the rule's pupils plus Trend for pupils at no level
/// whose probability reaches the model's cut-off. A pupil's lasting absence begins on the first sampled day whose
/// horizon is lasting after at least ten that were not (so its beginning is seen). No pupil is in the result.
/// </summary>
public static class AlertBudgetEvaluation
{
    /// <summary>Lasting absence begins on a day whose horizon is lasting after this many sampled days whose horizons were not.</summary>
    private const int SeenBefore = 10;

    /// <summary>A model flag, once raised, stands while the probability stays at or above this share of the threshold (chosen on development seed 2: 0.3 named more, earlier, than 0.5 or 0.7).</summary>
    public const double DefaultKeep = 0.3;

    /// <summary>The most school days without samples at a term's start that a standing flag is carried across.</summary>
    private const int TermStartGap = 15;

    /// <summary>
    /// Naming pupils not at hög frånvaro, a standing flag outlasts this many school days in a row at hög frånvaro (a week
    /// of illness), not more. Chosen on development seed 2 from 0, 5 and 10: with 0 every illness ended a flag and the
    /// flag raised after it was young (median lead +7.5 – +10 school days over the rule); with 5, +12 – +14, the recall at
    /// the budget −1.1 to +0.3 points per model; 10 added nothing more.
    /// </summary>
    public const int HighSpellKept = 5;

    /// <summary>The lead (school days) that counts as named early: two school weeks, the goal.</summary>
    public const int EarlyDays = 10;

    public static AlertBudgetResult Evaluate(
        IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, DateOnly from, DateOnly to, int horizonWeeks, double trendCutOff,
        Func<TrendSample, string?>? trajectory = null, double keep = DefaultKeep, ModelNames names = ModelNames.NotHigh)
    {
        // Samples dated before `from` are a warm-up: flags may be raised and stand there (so a lead is not cut off at the
        // period's start), but nothing there is counted — no entry, flagged day, onset, AUC or calibration.
        var pupils = Pupils(samples).Where(p => p.Any(i => samples[i].Date >= from)).ToList();
        var owner = OwnerOf(pupils, samples.Count);
        var counted = Enumerable.Range(0, samples.Count).Where(i => samples[i].Date >= from).ToList();
        var schoolWeeks = counted.Select(i => (samples[i].Skolenhetskod, Week(samples[i].Date))).Distinct().Count();
        var horizon = horizonWeeks * 5;

        var rule = new int[samples.Count];
        var nightly = new int[samples.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            rule[i] = (int?)samples[i].LevelNow ?? 0;
            nightly[i] = rule[i] > 0 ? rule[i] : scores[i] >= trendCutOff ? (int)Level.Trend : 0;
        }

        var entries = Entries(pupils, samples, rule, from);
        var ruleEntries = entries.Count;
        var threshold = ThresholdForBudget(pupils, samples, scores, ruleEntries, counted.Count(i => rule[i] > 0), keep, names, from);
        var model = new int[samples.Count];
        Flag(pupils, samples, scores, threshold, keep, names, model);

        BudgetGroup Group(string name, Func<TrendSample, bool> inGroup)
        {
            var group = pupils.Where(p => inGroup(samples[p[0]])).ToList();
            var weeks = group.SelectMany(p => p).Where(i => samples[i].Date >= from).Select(i => (samples[i].Skolenhetskod, Week(samples[i].Date))).Distinct().Count();
            var onsets = Onsets(group, samples, from);
            return new BudgetGroup(name, onsets.Count,
                Metrics(group, owner, samples, rule, onsets, weeks, horizon, from), Metrics(group, owner, samples, model, onsets, weeks, horizon, from),
                Metrics(group, owner, samples, nightly, onsets, weeks, horizon, from))
            {
                ModelVsRule = Paired(samples, onsets, model, rule),
            };
        }

        var withoutLasting = entries.Where(i => !LastingNear(owner, samples, i, horizon)).ToList();
        var nightlyEntries = Entries(pupils, samples, nightly, from);
        var (ruleWeekly, nightlyWeekly) = (PupilWeeks(samples, entries), PupilWeeks(samples, nightlyEntries));
        var relabelled = Relabel(samples);
        return new AlertBudgetResult(
            from, to, horizonWeeks, counted.Select(i => samples[i].Date).Distinct().Count(), counted.Count, pupils.Count, schoolWeeks,
            TrendEvaluation.Auc(counted, relabelled, i => scores[i]), TrendEvaluation.Auc(counted, relabelled, i => rule[i]),
            threshold, trendCutOff,
            Group("Alla", _ => true),
            [Group("Flickor", s => s.Gender == "F"), Group("Pojkar", s => s.Gender == "M")],
            [Group("Kommunal", s => s.Driftsform != "Independent"), Group("Fristående", s => s.Driftsform == "Independent")],
            [Group("F–3", s => s.Grade is >= 0 and <= 3), Group("4–6", s => s.Grade is >= 4 and <= 6), Group("7–9", s => s.Grade >= 7)],
            trajectory is null ? []
                : samples.Select(s => trajectory(s) ?? "okänd").Distinct().Order(StringComparer.Ordinal)
                    .Select(t => Group(t, s => (trajectory(s) ?? "okänd") == t)).ToList(),
            withoutLasting.Count, withoutLasting.Count(i => samples[i].IllnessLike),
            ruleEntries == 0 ? 0 : (double)(nightlyEntries.Count - ruleEntries) / ruleEntries,
            Calibration(samples, scores, from))
        {
            Keep = keep,
            ModelNames = names,
            NightlyAddedShareWeekly = ruleWeekly == 0 ? 0 : (double)(nightlyWeekly - ruleWeekly) / ruleWeekly,
        };
    }

    /// <summary>The entries as a weekly digest counts them: each pupil once a school-week.</summary>
    private static int PupilWeeks(IReadOnlyList<TrendSample> samples, List<int> entries) =>
        entries.Select(i => (samples[i].Skolenhetskod, Convert.ToHexString(samples[i].PupilKey), Week(samples[i].Date))).Distinct().Count();

    /// <summary>
    /// The lowest cut-off whose Trend flags (pupils at no level) grow the digest entries over the rules alone by at most
    /// <paramref name="maxAddedShare"/> on these samples (no margin): see <see cref="TrendCutOffWithMargin"/> for what the trainer stores.
    /// </summary>
    public static (double CutOff, double AddedShare) TrendCutOffFor(IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, double maxAddedShare)
    {
        var c = TrendCutOffWithMargin(samples, scores, maxAddedShare, floor: 0.05, confidence: 0);
        return (c.CutOff, c.AddedShare);
    }

    /// <summary>
    /// The lowest cut-off, not below <paramref name="floor"/>, at which the added digest entries stay within
    /// <paramref name="maxAddedShare"/> not only on these samples but at the one-sided <paramref name="confidence"/> upper
    /// bound over resamples of their pupils: new pupils and another year give another share (on the training seed's
    /// held-out spring a cut-off at exactly 10 % added 9–11 % on a new year), so the cut-off keeps a margin that is as wide
    /// as the measurement's own noise. Deterministic: the resamples use a fixed seed. Confidence 0: no margin.
    /// </summary>
    public static TrendCutOffChoice TrendCutOffWithMargin(
        IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, double maxAddedShare, double floor, double confidence, int resamples = 400)
    {
        var pupils = Pupils(samples);
        var rule = samples.Select(s => (int?)s.LevelNow ?? 0).ToArray();
        var ruleByPupil = pupils.Select(p => (double)Entries([p], samples, rule).Count).ToArray();
        var ruleEntries = ruleByPupil.Sum();
        // The same resamples for every cut-off: the upper bound then falls as the cut-off rises (more or less; it is a quantile).
        var random = new Random(16);
        var draws = confidence <= 0 ? [] : Enumerable.Range(0, resamples).Select(_ => Enumerable.Range(0, pupils.Count).Select(_ => random.Next(pupils.Count)).ToArray()).ToArray();
        var levels = new int[samples.Count];
        var addedByPupil = new double[pupils.Count];
        TrendCutOffChoice? last = null;
        for (var step = (int)Math.Round(floor * 100); step < 100; step++)
        {
            var c = step / 100.0;
            for (var i = 0; i < samples.Count; i++)
            {
                levels[i] = rule[i] > 0 ? rule[i] : scores[i] >= c ? (int)Level.Trend : 0;
            }

            for (var p = 0; p < pupils.Count; p++)
            {
                addedByPupil[p] = Entries([pupils[p]], samples, levels).Count - ruleByPupil[p];
            }

            var added = ruleEntries == 0 ? 0 : addedByPupil.Sum() / ruleEntries;
            var upper = added;
            if (draws.Length > 0)
            {
                var shares = draws.Select(d =>
                {
                    double a = 0, r = 0;
                    foreach (var p in d)
                    {
                        a += addedByPupil[p];
                        r += ruleByPupil[p];
                    }

                    return r == 0 ? 0 : a / r;
                }).Order().ToArray();
                upper = Math.Max(added, shares[Math.Min(shares.Length - 1, (int)Math.Ceiling(confidence * shares.Length) - 1)]);
            }

            last = new TrendCutOffChoice(c, added, upper, pupils.Count, (int)ruleEntries);
            if (upper <= maxAddedShare)
            {
                return last;
            }
        }

        return new TrendCutOffChoice(1, 0, 0, pupils.Count, (int)ruleEntries);
    }

    /// <summary>The samples of each pupil at a school, in school-day order.</summary>
    private static List<int[]> Pupils(IReadOnlyList<TrendSample> samples) =>
        Enumerable.Range(0, samples.Count)
            .GroupBy(i => (samples[i].Skolenhetskod, Convert.ToHexString(samples[i].PupilKey)))
            .Select(g => g.OrderBy(i => samples[i].Day).ToArray())
            .ToList();

    /// <summary>Sample indices where a pupil is newly named or escalated; a day not sampled (off the roll) breaks a run.</summary>
    /// <param name="countFrom">Entries dated before this are not counted (a warm-up).</param>
    private static List<int> Entries(List<int[]> pupils, IReadOnlyList<TrendSample> samples, int[] level, DateOnly countFrom = default)
    {
        var entries = new List<int>();
        foreach (var p in pupils)
        {
            for (var k = 0; k < p.Length; k++)
            {
                var previous = k > 0 && samples[p[k - 1]].Day == samples[p[k]].Day - 1 ? level[p[k - 1]] : 0;
                if (level[p[k]] > previous && samples[p[k]].Date >= countFrom)
                {
                    entries.Add(p[k]);
                }
            }
        }

        return entries;
    }

    /// <summary>Per pupil whose lasting absence begins in the period: the position of that day in their samples.</summary>
    private static Dictionary<int[], int> Onsets(List<int[]> pupils, IReadOnlyList<TrendSample> samples, DateOnly countFrom)
    {
        var onsets = new Dictionary<int[], int>();
        foreach (var p in pupils)
        {
            for (var k = SeenBefore; k < p.Length; k++)
            {
                if (samples[p[k]].Lasting)
                {
                    if (Begins(k, j => samples[p[j]].Lasting) && samples[p[k]].Date >= countFrom)
                    {
                        onsets[p] = k;
                    }

                    break;
                }
            }
        }

        return onsets;
    }

    /// <summary>
    /// Lasting absence begins at position <paramref name="k"/> of a pupil's samples in day order: lasting there after
    /// <see cref="SeenBefore"/> samples that were not. The one definition for the evaluation and the <c>Onset</c> label.
    /// </summary>
    internal static bool Begins(int k, Func<int, bool> lastingAt)
    {
        if (k < SeenBefore || !lastingAt(k))
        {
            return false;
        }

        for (var j = k - SeenBefore; j < k; j++)
        {
            if (lastingAt(j))
            {
                return false;
            }
        }

        return true;
    }

    private static BudgetMetrics Metrics(
        List<int[]> pupils, int[][] owner, IReadOnlyList<TrendSample> samples, int[] level, Dictionary<int[], int> onsets, int weeks, int horizon, DateOnly countFrom)
    {
        var entries = Entries(pupils, samples, level, countFrom);
        var correct = entries.Count(i => LastingWithin(owner, samples, i, horizon));
        var leads = new List<double>();
        var cut = 0;
        foreach (var (p, k) in onsets)
        {
            if (FlagStart(samples, p, k, level) is { } first)
            {
                leads.Add(samples[p[k]].Day - samples[p[first]].Day);
                cut += StartsRun(samples, p, first) ? 1 : 0;
            }
        }

        var recall = onsets.Count == 0 ? 0 : (double)leads.Count / onsets.Count;
        var early = leads.Count(l => l >= EarlyDays);
        return new BudgetMetrics(entries.Count, weeks == 0 ? 0 : (double)entries.Count / weeks, leads.Count, recall, Median(leads),
            entries.Count == 0 ? 0 : (double)correct / entries.Count)
        {
            RecallLow = Wilson(leads.Count, onsets.Count).Low,
            RecallHigh = Wilson(leads.Count, onsets.Count).High,
            NamedEarly = early,
            RecallEarly = onsets.Count == 0 ? 0 : (double)early / onsets.Count,
            FlaggedDays = pupils.Sum(p => p.Count(i => level[i] > 0 && samples[i].Date >= countFrom)),
            LeadsCutAtStart = cut,
        };
    }

    /// <summary>How many school days the flag standing on the onset day had stood by then; null when none stood.</summary>
    private static int? Lead(IReadOnlyList<TrendSample> samples, int[] p, int k, int[] level) =>
        FlagStart(samples, p, k, level) is { } first ? samples[p[k]].Day - samples[p[first]].Day : null;

    /// <summary>The position where the flag standing at position <paramref name="k"/> was raised; null when none stands.</summary>
    private static int? FlagStart(IReadOnlyList<TrendSample> samples, int[] p, int k, int[] level)
    {
        if (level[p[k]] == 0)
        {
            return null;
        }

        var first = k;
        while (first > 0 && level[p[first - 1]] > 0 && (samples[p[first - 1]].Day == samples[p[first]].Day - 1 || AcrossTerms(samples, p, first)))
        {
            first--;
        }

        return first;
    }

    /// <summary>
    /// The sample at <paramref name="k"/> is the pupil's first of a term and the one before it the last of the previous
    /// term: a flag standing on both has named the pupil since before the break (a term's first days are never sampled,
    /// too few scheduled days, so without this every lead would be cut off at the start of the term).
    /// </summary>
    private static bool AcrossTerms(IReadOnlyList<TrendSample> samples, int[] p, int k) =>
        Term.Containing(samples[p[k - 1]].Date) != Term.Containing(samples[p[k]].Date)
        && samples[p[k]].Day - samples[p[k - 1]].Day <= TermStartGap;

    /// <summary>The pupil's sample at position <paramref name="k"/> has no sample on the school day before it, nor a previous term's just before the break.</summary>
    private static bool StartsRun(IReadOnlyList<TrendSample> samples, int[] p, int k) =>
        k == 0 || (samples[p[k - 1]].Day != samples[p[k]].Day - 1 && !AcrossTerms(samples, p, k));

    private static PairedLead Paired(IReadOnlyList<TrendSample> samples, Dictionary<int[], int> onsets, int[] model, int[] rule)
    {
        var differences = new List<double>();
        foreach (var (p, k) in onsets)
        {
            if (Lead(samples, p, k, model) is { } m && Lead(samples, p, k, rule) is { } r)
            {
                differences.Add(m - r);
            }
        }

        return new PairedLead(differences.Count, Median(differences), differences.Count(d => d > 0), differences.Count(d => d < 0));
    }

    private static double? Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }

    /// <summary>The 95 % Wilson score interval of <paramref name="k"/> of <paramref name="n"/>.</summary>
    public static (double Low, double High) Wilson(int k, int n)
    {
        if (n == 0)
        {
            return (0, 1);
        }

        const double z = 1.959964;
        double p = (double)k / n, z2 = z * z;
        var centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        var half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The pupil's absence is lasting on the entry's day or within the horizon after it.</summary>
    private static bool LastingWithin(int[][] owner, IReadOnlyList<TrendSample> samples, int entry, int horizon) =>
        Near(owner, samples, entry, 0, horizon);

    /// <summary>Lasting absence within the horizon before or after the entry: without it, a flag was about a passing spell.</summary>
    private static bool LastingNear(int[][] owner, IReadOnlyList<TrendSample> samples, int entry, int horizon) =>
        Near(owner, samples, entry, -horizon, horizon);

    private static bool Near(int[][] owner, IReadOnlyList<TrendSample> samples, int entry, int before, int after)
    {
        var s = samples[entry];
        var day = s.Day;
        // The pupil's samples are found through the entry; a linear scan of one pupil is cheap.
        foreach (var i in owner[entry])
        {
            var d = samples[i].Day - day;
            if (d >= before && d <= after && samples[i].Lasting)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>For each sample, its pupil's samples.</summary>
    private static int[][] OwnerOf(List<int[]> pupils, int count)
    {
        var owner = new int[count][];
        foreach (var p in pupils)
        {
            foreach (var i in p)
            {
                owner[i] = p;
            }
        }

        return owner;
    }

    private static List<TrendSample> Relabel(IReadOnlyList<TrendSample> samples) => samples.Select(s => s with { Label = s.Lasting }).ToList();

    /// <summary>
    /// The lowest threshold grid point down to which the model's entries and its flagged pupil-days stay within the rule's.
    /// Entries alone would let a low threshold name nearly every pupil once and keep them flagged all term: few new
    /// entries, a list as long as the roll.
    /// </summary>
    private static double ThresholdForBudget(
        List<int[]> pupils, IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, int budget, int flaggedDays, double keep, ModelNames names,
        DateOnly countFrom)
    {
        var flags = new int[samples.Count];
        var best = 1.0;
        for (var t = 0.99; t > 0.01; t -= 0.005)
        {
            Flag(pupils, samples, scores, t, keep, names, flags);
            if (Entries(pupils, samples, flags, countFrom).Count > budget || pupils.Sum(p => p.Count(i => flags[i] > 0 && samples[i].Date >= countFrom)) > flaggedDays)
            {
                break;
            }

            best = t;
        }

        return Math.Round(best, 3);
    }

    /// <summary>
    /// The model's flags at a threshold, with hysteresis as a level has: raised at the threshold, kept while the probability
    /// stays at or above <paramref name="keep"/> of it, so a probability wavering around the line does not name the pupil again every other day.
    /// </summary>
    private static void Flag(
        List<int[]> pupils, IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, double threshold, double keep, ModelNames names, int[] flags)
    {
        var keptThroughHigh = names == ModelNames.RaisedNotHigh ? int.MaxValue : HighSpellKept;
        foreach (var p in pupils)
        {
            var on = false;
            var highDays = 0;
            for (var k = 0; k < p.Length; k++)
            {
                var i = p[k];
                var consecutive = k > 0 && samples[p[k - 1]].Day == samples[i].Day - 1;
                var stands = on && consecutive && scores[i] >= threshold * keep;
                highDays = samples[i].LevelNow == Level.High ? (consecutive ? highDays + 1 : 1) : 0;
                // Naming pupils not at hög frånvaro, a flag is never raised there, and stands through a spell there only as
                // long as an illness lasts: after that the rule has the pupil, and the flag ends.
                on = names == ModelNames.Everyone || highDays == 0 ? scores[i] >= threshold || stands : stands && highDays <= keptThroughHigh;
                flags[i] = on ? 1 : 0;
            }
        }
    }

    private static List<CalibrationBin> Calibration(IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, DateOnly countFrom)
    {
        double[] edges = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0001];
        var bins = new List<CalibrationBin>();
        for (var b = 0; b + 1 < edges.Length; b++)
        {
            var idx = Enumerable.Range(0, samples.Count).Where(i => samples[i].Date >= countFrom && scores[i] >= edges[b] && scores[i] < edges[b + 1]).ToList();
            if (idx.Count > 0)
            {
                bins.Add(new CalibrationBin(edges[b], Math.Min(1, edges[b + 1]), idx.Count, idx.Average(i => scores[i]),
                    idx.Count(i => samples[i].Lasting) / (double)idx.Count));
            }
        }

        return bins;
    }

    private static (int, int) Week(DateOnly d) =>
        (System.Globalization.ISOWeek.GetYear(d.ToDateTime(TimeOnly.MinValue)), System.Globalization.ISOWeek.GetWeekOfYear(d.ToDateTime(TimeOnly.MinValue)));
}
