using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>What to train on: a period of history (default: the last year of facts) and the seed.</summary>
public sealed record TrendTrainingRequest(DateOnly? From = null, DateOnly? To = null, int Seed = 20260817);

/// <summary>
/// What a training did: the new version, its AUC on the held-out part, the active model's AUC on the same samples, and
/// whether the new one was activated and why.
/// </summary>
public sealed record TrendTrainingResult(
    long Version, DateOnly From, DateOnly To, DateOnly HeldOutFrom, DateOnly HeldOutTo,
    int TrainingSamples, int TrainingPositives, int HeldOutSamples, int HeldOutPositives,
    double HeldOutAuc, long? PreviousVersion, double? PreviousAuc, bool Activated, string Decision,
    TimeSpan DatasetTime, TimeSpan TrainingTime);

public sealed record TrendTrainingProgress(string Stage, double Fraction);

/// <summary>
/// Trains a model on a period, validates it by pupil and by time, and activates it only when it is at least as good as
/// the active model on the same held-out samples. The split: the last <see cref="TrendOptions.HeldOutShare"/> of the
/// scoring dates and a fixed fifth of the pupils (by key) are held out; training uses the other pupils on earlier dates
/// whose whole label horizon ends before the held-out period starts, so no training label looks into it.
/// The weekly Hangfire job calls <see cref="TrainAndMaybeActivateAsync"/>.
/// </summary>
public sealed class TrendTrainer(
    NpgsqlDataSource db, TrendDataset dataset, TrendModelStore models, IOptions<ThresholdOptions> thresholds, IOptions<TrendOptions> options)
{
    public async Task<TrendTrainingResult> TrainAndMaybeActivateAsync(
        TrendTrainingRequest request, IProgress<TrendTrainingProgress>? progress = null, CancellationToken ct = default) =>
        (await TrainSeedsAsync(request, [request.Seed], progress, ct))[0];

    /// <summary>
    /// One model per seed on the same samples (built once), each through the gate in turn: the spread over seeds, and
    /// the best of them active. The seed draws each tree's features and examples.
    /// </summary>
    public async Task<IReadOnlyList<TrendTrainingResult>> TrainSeedsAsync(
        TrendTrainingRequest request, IReadOnlyList<int> seeds, IProgress<TrendTrainingProgress>? progress = null, CancellationToken ct = default)
    {
        var o = options.Value;
        var (from, to, first) = await PeriodAsync(request, ct);
        var clock = Stopwatch.StartNew();
        var samples = await dataset.BuildAsync(from, to, thresholds.Value, TrendLabelling.From(o),
            new Progress<TrendDatasetProgress>(p => progress?.Report(new TrendTrainingProgress($"Features and labels: {p.School}", 0.7 * p.SchoolsDone / Math.Max(1, p.Schools)))), ct);
        var datasetTime = clock.Elapsed;
        var split = await SplitOrExplainAsync(samples, from, to, first, o, ct);
        var results = new List<TrendTrainingResult>();
        foreach (var seed in seeds)
        {
            results.Add(await TrainSeedAsync(split, seed, from, to, datasetTime, o, progress, ct));
        }

        return results;
    }

    /// <summary>The period asked for, by default the last year of facts; and the first fact's date.</summary>
    private async Task<(DateOnly From, DateOnly To, DateOnly? First)> PeriodAsync(TrendTrainingRequest request, CancellationToken ct)
    {
        var (first, last) = await FactRangeAsync(db, ct);
        var to = request.To ?? last ?? throw new TrendTrainingException("No attendance facts yet: import exports before training.");
        var from = request.From ?? Max(first ?? to, to.AddYears(-1).AddDays(1));
        if (from >= to)
        {
            throw new TrendTrainingException($"The training period {from:yyyy-MM-dd} – {to:yyyy-MM-dd} is empty; --from must be before --to.");
        }

        return (from, to, first);
    }

    /// <summary>The samples split for training and held out; a split that cannot train or judge a model says why.</summary>
    private async Task<TrainingSplit> SplitOrExplainAsync(
        IReadOnlyList<TrendSample> samples, DateOnly from, DateOnly to, DateOnly? first, TrendOptions o, CancellationToken ct)
    {
        var split = Split(samples, o.HeldOutShare, o.HeldOutPupilShare, o.HorizonWeeks, first);
        if (split.Train.Count == 0)
        {
            throw new TrendTrainingException(await TooLittleHistoryAsync(from, to, o, ct));
        }

        if (o.TrainOn != TrainingPopulation.All)
        {
            split = split with { Train = split.Train.Where(s => o.TrainOn == TrainingPopulation.NotAtLevel ? s.NotAtLevel : s.LevelNow != Level.High).ToList() };
        }

        if (split.HeldOut.Count == 0 || split.HeldOut.All(s => s.Label) || split.HeldOut.All(s => !s.Label))
        {
            throw new TrendTrainingException(
                $"The held-out part ({split.HeldOutFrom:yyyy-MM-dd} – {to:yyyy-MM-dd}) has {split.HeldOut.Count(s => s.Label)} of " +
                $"{split.HeldOut.Count} samples reaching hög frånvaro; it needs both kinds to judge the model. Give a longer period.");
        }

        return split;
    }

    /// <summary>One seed's model: trained, calibrated, its Trend cut-off chosen, judged against the active one, and stored.</summary>
    private async Task<TrendTrainingResult> TrainSeedAsync(
        TrainingSplit split, int seed, DateOnly from, DateOnly to, TimeSpan datasetTime, TrendOptions o,
        IProgress<TrendTrainingProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new TrendTrainingProgress($"Training on {split.Train.Count:N0} samples", 0.7));
        var clock = Stopwatch.StartNew();
        var model = TrendModel.Train(split.Train, o.Trainer, seed);
        var trainingTime = clock.Elapsed;
        progress?.Report(new TrendTrainingProgress("Validating", 0.9));
        var heldOutIdx = Enumerable.Range(0, split.HeldOut.Count).ToList();
        var heldOutVectors = split.HeldOut.Select(s => s.Features).ToList();
        // Calibrated on the held-out samples (the trees never saw them), so that 0.4 means about 40 %.
        model = model.WithCalibration(Platt.Fit(model.ScoreUncalibrated(heldOutVectors), split.HeldOut.Select(s => s.Label).ToList()));
        var scores = model.Score(heldOutVectors);
        // Trend flags may add at most MaxAddedShare to the digest entries. Counting entries needs no label, so the cut-off is
        // measured on the held-out pupils' whole period (every season; the trees never saw these pupils), with a margin
        // for the noise of a few hundred pupils (CutOffConfidence).
        var choice = AlertBudgetEvaluation.TrendCutOffWithMargin(
            split.HeldOutPupilsAllDays, model.Score(split.HeldOutPupilsAllDays.Select(s => s.Features).ToList()), o.MaxAddedShare, o.CutOff, o.CutOffConfidence);
        var auc = TrendEvaluation.Auc(heldOutIdx, split.HeldOut, i => scores[i])!.Value;
        var (active, activeAuc) = await ActiveOnTheSameSamplesAsync(split, heldOutIdx, o, ct);
        var activate = activeAuc is not { } previous || auc >= previous + o.GateMargin;
        var decision = Decision(active, activeAuc, auc, activate, choice, split, to, o);
        var metrics = Metrics(split, to, o, model, scores, auc, active, activeAuc, choice, datasetTime, trainingTime);
        var version = await models.AddAsync(new NewTrendModel(
            from, to, split.HeldOutFrom, to, seed, o.HorizonWeeks, model.Baselines, auc, metrics, model.ToBytes(), activate, decision)
        {
            Label = o.Label, Calibration = model.Calibration, TrendCutOff = choice.CutOff, AddedShare = choice.AddedShare,
        }, ct);
        progress?.Report(new TrendTrainingProgress("Done", 1));
        return new TrendTrainingResult(version, from, to, split.HeldOutFrom, to,
            split.Train.Count, split.Train.Count(s => s.Label), split.HeldOut.Count, split.HeldOut.Count(s => s.Label),
            auc, active?.Version, activeAuc, activate, decision, datasetTime, trainingTime);
    }

    /// <summary>
    /// The gate's other side: the active model judged on exactly the same held-out samples. One that cannot read this
    /// code's features cannot score the nightly run at all, so anything replaces it; nor can one that predicts another label.
    /// </summary>
    private async Task<(TrendModelInfo? Active, double? Auc)> ActiveOnTheSameSamplesAsync(
        TrainingSplit split, List<int> heldOutIdx, TrendOptions o, CancellationToken ct)
    {
        var active = await models.ActiveAsync(ct);
        double? activeAuc = null;
        if (active is { MatchesFeatures: true })
        {
            var activeScores = (await models.LoadAsync(active, ct)).Score(split.HeldOut.Select(s => s.Features).ToList());
            activeAuc = TrendEvaluation.Auc(heldOutIdx, split.HeldOut, i => activeScores[i]);
        }

        // A model that predicts another label is not comparable on these samples: the new one replaces it.
        if (active is { MatchesFeatures: true } && (active.Label != o.Label || active.HorizonWeeks != o.HorizonWeeks))
        {
            activeAuc = null;
        }

        return (active, activeAuc);
    }

    /// <summary>Why the model was activated or not, and what its Trend cut-off adds to the digests.</summary>
    private static string Decision(
        TrendModelInfo? active, double? activeAuc, double auc, bool activate, TrendCutOffChoice choice, TrainingSplit split, DateOnly to, TrendOptions o)
    {
        var (cutOff, addedShare) = (choice.CutOff, choice.AddedShare);
        var decision = active is null ? "Activated: no model was active."
            : !active.MatchesFeatures ? $"Activated: the active v{active.Version} reads other features than this code computes."
            : active.Label != o.Label || active.HorizonWeeks != o.HorizonWeeks ? $"Activated: the active v{active.Version} predicts {active.Label} over {active.HorizonWeeks} weeks, this configuration {o.Label} over {o.HorizonWeeks}."
            : activate ? $"Activated: held-out AUC {F(auc)} ≥ v{active.Version}'s {F(activeAuc!.Value)} + margin {F(o.GateMargin)} on the same samples."
            : $"Not activated: held-out AUC {F(auc)} is not above the active v{active.Version}'s {F(activeAuc!.Value)} by the margin {F(o.GateMargin)} " +
              "(Skolnarvaro:Trend:GateMargin) on the same samples.";
        decision += $" Trend cut-off {F(cutOff)}: on the held-out pupils' days {split.HeldOutPupilsAllDays.Min(s => s.Date):yyyy-MM-dd} – {to:yyyy-MM-dd} ({choice.Pupils} pupils, " +
                    $"{choice.RuleEntries} rule entries) it adds {P(addedShare)} digest entries, at most {P(choice.UpperAddedShare)} " +
                    $"({P(o.CutOffConfidence)} upper bound, margin {P(choice.Margin)}) against Skolnarvaro:Trend:MaxAddedShare {P(o.MaxAddedShare)}.";
        if (activate && auc < o.MinimumAuc)
        {
            decision += $" It does not qualify for scoring (AUC below Skolnarvaro:Trend:MinimumAuc {F(o.MinimumAuc)}): runs use thresholds only.";
        }

        return decision;
    }

    /// <summary>The training's measurements as stored with the model, held-out evaluation included.</summary>
    private static string Metrics(
        TrainingSplit split, DateOnly to, TrendOptions o, TrendModel model, float[] scores, double auc, TrendModelInfo? active, double? activeAuc,
        TrendCutOffChoice choice, TimeSpan datasetTime, TimeSpan trainingTime)
    {
        var (cutOff, addedShare) = (choice.CutOff, choice.AddedShare);
        var evaluation = TrendEvaluation.Evaluate(split.HeldOut, scores, split.HeldOutFrom, to, o.HorizonWeeks, Math.Max(cutOff, o.CutOff));
        return JsonSerializer.Serialize(new
        {
            trainingSamples = split.Train.Count,
            trainingPositives = split.Train.Count(s => s.Label),
            heldOutSamples = split.HeldOut.Count,
            heldOutPositives = split.HeldOut.Count(s => s.Label),
            heldOutAuc = auc,
            previousVersion = active?.Version,
            previousAucOnSameSamples = activeAuc,
            trainer = o.Trainer,
            label = o.Label.ToString(),
            labelLeadDays = o.Label == TrendLabel.Crossing ? 0 : o.LabelLeadDays,
            calibration = new { a = model.Calibration.A, b = model.Calibration.B },
            trendCutOff = cutOff,
            addedShare,
            trendCutOffChoice = new
            {
                samples = "held-out pupils, whole period after the facts' first term", from = split.HeldOutPupilsAllDays.Min(s => s.Date), choice.Pupils, choice.RuleEntries, upperAddedShare = choice.UpperAddedShare,
                margin = choice.Margin, confidence = o.CutOffConfidence, maxAddedShare = o.MaxAddedShare, floor = o.CutOff,
            },
            datasetSeconds = datasetTime.TotalSeconds,
            trainingSeconds = trainingTime.TotalSeconds,
            heldOut = evaluation with { Roc = [] },
        });
    }

    /// <param name="HeldOutPupilsAllDays">The held-out pupils on every date after the facts' first term, before the held-out
    /// period too: never trained on, and what the Trend cut-off is measured on (it counts entries, which need no label).</param>
    public sealed record TrainingSplit(IReadOnlyList<TrendSample> Train, IReadOnlyList<TrendSample> HeldOut, DateOnly HeldOutFrom)
    {
        public IReadOnlyList<TrendSample> HeldOutPupilsAllDays { get; init; } = HeldOut;
    }

    /// <summary>
    /// By time and by pupil; see the class comment. <paramref name="factsFrom"/>, the first date of any fact: in that term no
    /// pupil has a previous term, which the nightly run always has after the first, so the model raises almost no Trend flags at
    /// the term's start there (on seed 2's first term 1.7 % added entries at 0.20, against 9–11 % in every later term), and the
    /// held-out pupils' days in it are left out of what the Trend cut-off is measured on.
    /// </summary>
    public static TrainingSplit Split(IReadOnlyList<TrendSample> samples, double heldOutShare, double pupilShare, int horizonWeeks, DateOnly? factsFrom = null)
    {
        var dates = samples.Select(s => s.Date).Distinct().Order().ToList();
        if (dates.Count < 2)
        {
            throw new TrendTrainingException(
                $"The period has {dates.Count} scoring date(s) with a known outcome; training needs several weeks more than the " +
                $"{horizonWeeks}-week horizon. Give a longer period.");
        }

        var cut = dates[Math.Clamp((int)Math.Round(dates.Count * (1 - heldOutShare)), 1, dates.Count - 1)];
        var train = samples.Where(s => !HeldOutPupil(s.PupilKey, pupilShare) && s.HorizonEnd < cut).ToList();
        var heldOutPupils = samples.Where(s => HeldOutPupil(s.PupilKey, pupilShare)).ToList();
        var heldOut = heldOutPupils.Where(s => s.Date >= cut).ToList();
        var firstTerm = factsFrom is { } f ? Term.Containing(f) : null;
        var withPreviousTerm = heldOutPupils.Where(s => firstTerm is null || s.Date > firstTerm.End).ToList();
        return new TrainingSplit(train, heldOut, cut) { HeldOutPupilsAllDays = withPreviousTerm.Count > 0 ? withPreviousTerm : heldOutPupils };
    }

    /// <summary>A fixed share of pupils by their key: the same pupils are held out in every training.</summary>
    public static bool HeldOutPupil(byte[] key, double share) => BitConverter.ToUInt16(key, key.Length - 2) < share * 65536;

    public static async Task<(DateOnly? First, DateOnly? Last)> FactRangeAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select min(date), max(date) from attendance_fact");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.IsDBNull(0) ? null : r.GetFieldValue<DateOnly>(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateOnly>(1));
    }

    /// <summary>
    /// What is missing when no day can be trained on: each day's label looks the horizon ahead, and the training days' horizons
    /// must end before the held-out last part of the days begins.
    /// </summary>
    private async Task<string> TooLittleHistoryAsync(DateOnly from, DateOnly to, TrendOptions o, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select count(distinct date), min(date), max(date) from attendance_fact where date between @from and @to");
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", to);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var days = r.GetInt64(0);
        var terms = r.IsDBNull(1) ? [] : TermsBetween(r.GetFieldValue<DateOnly>(1), r.GetFieldValue<DateOnly>(2));
        var horizon = 5 * o.HorizonWeeks;
        var needed = (int)Math.Ceiling(horizon + horizon / (1 - o.HeldOutShare)) + 2 * 5;
        var held = 100 * o.HeldOutShare;
        return $"{(terms.Count == 1 ? "one term" : $"{terms.Count} terms")} of data ({string.Join(", ", terms)}: {days} school days from {from:yyyy-MM-dd} to {to:yyyy-MM-dd}); " +
               $"training needs at least about {needed} school days: each day's label looks {horizon} school days ahead " +
               $"(Skolnarvaro:Trend:HorizonWeeks {o.HorizonWeeks}), the last {held.ToString("0", CultureInfo.InvariantCulture)} % of the days are held out to " +
               "check the model, and the days trained on must see their outcome before that. Import earlier terms' exports (a school year or more: " +
               "the model also reads the previous term), or bring a model trained elsewhere with `skolnarvaro models import`.";
    }

    private static List<string> TermsBetween(DateOnly first, DateOnly last)
    {
        var terms = new List<string>();
        for (var t = Term.Containing(last); t.End >= first; t = t.Previous)
        {
            terms.Insert(0, t.Name);
        }

        return terms;
    }

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string P(double v) => v.ToString("0.0 %", CultureInfo.InvariantCulture);
}
