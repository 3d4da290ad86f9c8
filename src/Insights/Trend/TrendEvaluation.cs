using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// One predictor (the model, the rule, or the nightly run's combination) on a group of samples. Precision and recall are
/// per sample (pupil and week); caught and lead time are per pupil who crossed into hög frånvaro in the period: caught when
/// flagged on the last scoring date before crossing, and the lead is how long that flag had stood unbroken by then.
/// </summary>
public sealed record PredictorMetrics(int Flags, double Precision, double Recall, int Caught, double? MedianLeadWeeks)
{
    /// <summary>Pupils caught with a flag that had stood at least two school weeks before they crossed.</summary>
    public int CaughtTwoWeeksAhead { get; init; }
    public double? MeanLeadWeeks { get; init; }
}

public sealed record GroupMetrics(
    string Group, int Samples, int Positives, int Crossers, double? ModelAuc, double? RuleAuc,
    PredictorMetrics Model, PredictorMetrics Rule, PredictorMetrics Nightly);

public sealed record RocPoint(double FalsePositiveRate, double TruePositiveRate);

/// <summary>The evaluation of a model on a period against the threshold rule at the same flag rate.</summary>
public sealed record TrendEvaluationResult(
    DateOnly From, DateOnly To, int HorizonWeeks, double CutOff, int ScoringDates, int Pupils,
    GroupMetrics Overall, double? ModelAucNotAtLevel, int NotAtLevelSamples, int NotAtLevelPositives,
    PredictorMetrics TrendAtCutOff, float ScoreAtRuleFlagRate,
    IReadOnlyList<GroupMetrics> ByGender, IReadOnlyList<GroupMetrics> ByDriftsform, IReadOnlyList<RocPoint> Roc)
{
    /// <summary>By the kind of trajectory, when the data is synthetic and its answer key was given; otherwise empty.</summary>
    public IReadOnlyList<GroupMetrics> ByTrajectory { get; init; } = [];
}

/// <summary>
/// Compares the model with the rule on the same samples. The rule as a predictor of reaching hög frånvaro: "at
/// riskfrånvaro now". The model at the same flag rate: its k highest-scoring samples, k being how many the rule flags.
/// The nightly predictor is what the run actually does: the rule's riskfrånvaro, plus Trend for pupils not at a level
/// whose probability reaches the cut-off.
/// </summary>
public static class TrendEvaluation
{
    public static TrendEvaluationResult Evaluate(
        IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, DateOnly from, DateOnly to, int horizonWeeks, double cutOff,
        Func<TrendSample, string?>? trajectory = null)
    {
        var n = samples.Count;
        var ruleFlag = samples.Select(s => s.LevelNow == Level.AtRisk).ToArray();
        var k = ruleFlag.Count(f => f);
        // Highest scores first; ties in sample order, so the top k is exactly k and the same on every run.
        var order = Enumerable.Range(0, n).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var modelFlag = new bool[n];
        foreach (var i in order.Take(k))
        {
            modelFlag[i] = true;
        }

        var nightlyFlag = Enumerable.Range(0, n).Select(i => ruleFlag[i] || (samples[i].NotAtLevel && scores[i] >= cutOff)).ToArray();
        var all = Enumerable.Range(0, n).ToList();
        var notAtLevel = all.Where(i => samples[i].NotAtLevel).ToList();
        var trendFlag = Enumerable.Range(0, n).Select(i => samples[i].NotAtLevel && scores[i] >= cutOff).ToArray();

        GroupMetrics Group(string name, List<int> idx) => new(
            name, idx.Count, idx.Count(i => samples[i].Label), Crossers(samples, idx).Count,
            Auc(idx, samples, i => scores[i]), Auc(idx, samples, i => ruleFlag[i] ? 1 : 0),
            Metrics(samples, idx, modelFlag), Metrics(samples, idx, ruleFlag), Metrics(samples, idx, nightlyFlag));

        return new TrendEvaluationResult(
            from, to, horizonWeeks, cutOff,
            samples.Select(s => s.Date).Distinct().Count(),
            samples.Select(s => Convert.ToHexString(s.PupilKey) + s.Skolenhetskod).Distinct().Count(),
            Group("Alla", all),
            Auc(notAtLevel, samples, i => scores[i]), notAtLevel.Count, notAtLevel.Count(i => samples[i].Label),
            Metrics(samples, notAtLevel, trendFlag),
            k == 0 || n == 0 ? 1f : scores[order[Math.Min(k, n) - 1]],
            all.GroupBy(i => samples[i].Gender).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Group(g.Key switch { "F" => "Flickor", "M" => "Pojkar", _ => "Okänt kön" }, g.ToList())).ToList(),
            all.GroupBy(i => samples[i].Driftsform).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => Group(g.Key == "Independent" ? "Fristående" : "Kommunal", g.ToList())).ToList(),
            Roc(samples, scores, order))
        {
            ByTrajectory = trajectory is null ? []
                : all.GroupBy(i => trajectory(samples[i]) ?? "okänd").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Group(g.Key, g.ToList())).ToList(),
        };
    }

    /// <summary>ROC-AUC by ranks (the Mann–Whitney statistic), ties counted half; null when a group has only one class.</summary>
    public static double? Auc(IReadOnlyList<int> idx, IReadOnlyList<TrendSample> samples, Func<int, double> score)
    {
        var sorted = idx.Select(i => (Score: score(i), samples[i].Label)).OrderBy(x => x.Score).ToList();
        long positives = sorted.Count(x => x.Label), negatives = sorted.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return null;
        }

        double rankSum = 0;
        for (var i = 0; i < sorted.Count;)
        {
            int j = i, tiedPositives = 0;
            while (j < sorted.Count && sorted[j].Score == sorted[i].Score)
            {
                tiedPositives += sorted[j].Label ? 1 : 0;
                j++;
            }

            // Tied scores share the mean of their ranks (1-based): i + 1 … j.
            rankSum += (i + 1 + j) / 2.0 * tiedPositives;
            i = j;
        }

        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }

    private static PredictorMetrics Metrics(IReadOnlyList<TrendSample> samples, List<int> idx, bool[] flag)
    {
        int flags = 0, truePositives = 0, positives = 0;
        foreach (var i in idx)
        {
            flags += flag[i] ? 1 : 0;
            positives += samples[i].Label ? 1 : 0;
            truePositives += flag[i] && samples[i].Label ? 1 : 0;
        }

        var leads = new List<double>();
        foreach (var pupil in Crossers(samples, idx))
        {
            // The unbroken run of flags ending on the last scoring date before the pupil crossed.
            int? firstOfRun = null;
            for (var j = pupil.Count - 1; j >= 0 && flag[pupil[j]]; j--)
            {
                firstOfRun = pupil[j];
            }

            if (firstOfRun is { } f)
            {
                leads.Add(samples[f].SchoolDaysToHigh!.Value / 5.0);
            }
        }

        return new PredictorMetrics(
            flags, flags == 0 ? 0 : (double)truePositives / flags, positives == 0 ? 0 : (double)truePositives / positives,
            leads.Count, Median(leads))
        {
            CaughtTwoWeeksAhead = leads.Count(l => l >= 2),
            MeanLeadWeeks = leads.Count == 0 ? null : leads.Average(),
        };
    }

    /// <summary>
    /// Per pupil who crossed into hög frånvaro in the period: their scoring dates before the first crossing, oldest first.
    /// Only pupils scored in the school week just before crossing count, so a pupil who arrived late is not a miss.
    /// </summary>
    private static List<List<int>> Crossers(IReadOnlyList<TrendSample> samples, List<int> idx)
    {
        var crossers = new List<List<int>>();
        foreach (var pupil in idx.GroupBy(i => (samples[i].Skolenhetskod, samples[i].PupilKey), new PupilAtSchool()))
        {
            var dates = pupil.OrderBy(i => samples[i].Date).ToList();
            var first = dates.Where(i => samples[i].HighOn is not null).Select(i => samples[i].HighOn!.Value).DefaultIfEmpty().Min();
            if (first == default)
            {
                continue;
            }

            var before = dates.Where(i => samples[i].Date < first).ToList();
            if (before.Count > 0 && samples[before[^1]].SchoolDaysToHigh <= 5)
            {
                crossers.Add(before);
            }
        }

        return crossers;
    }

    private static List<RocPoint> Roc(IReadOnlyList<TrendSample> samples, IReadOnlyList<float> scores, int[] order)
    {
        long positives = samples.Count(s => s.Label), negatives = samples.Count - positives;
        var points = new List<RocPoint> { new(0, 0) };
        if (positives == 0 || negatives == 0)
        {
            return points;
        }

        long tp = 0, fp = 0;
        var step = Math.Max(1, order.Length / 200);
        for (var r = 0; r < order.Length; r++)
        {
            if (samples[order[r]].Label)
            {
                tp++;
            }
            else
            {
                fp++;
            }

            if (r % step == step - 1 || r == order.Length - 1)
            {
                points.Add(new RocPoint((double)fp / negatives, (double)tp / positives));
            }
        }

        return points;
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

    private sealed class PupilAtSchool : IEqualityComparer<(string School, byte[] Key)>
    {
        public bool Equals((string School, byte[] Key) x, (string School, byte[] Key) y) =>
            x.School == y.School && PupilKeyComparer.Instance.Equals(x.Key, y.Key);

        public int GetHashCode((string School, byte[] Key) obj) => HashCode.Combine(obj.School, PupilKeyComparer.Instance.GetHashCode(obj.Key));
    }
}
