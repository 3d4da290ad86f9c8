using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>What to evaluate: the period counted, the weeks replayed before it, and the models (each against thresholds alone).</summary>
public sealed record ShippedEvaluationRequest(DateOnly From, DateOnly To, int WarmUpWeeks, IReadOnlyList<TrendModelInfo> Models);

/// <summary>
/// The evaluation of what ships: the nightly run replayed night by night (<see cref="NightlyReplay"/>) over the warm-up
/// and the period, once with thresholds alone and once with each model as the active one, and counted
/// (<see cref="ShippedEvaluation"/>) against where lasting absence began (the samples' label over the horizon). The warm-up
/// lets the go-live overview and the flags standing when the period begins happen before it, as in a running installation.
/// </summary>
public sealed class ShippedEvaluator(
    TrendDataset dataset, NightlyReplay replay, TrendScoring scoring, IOptions<ThresholdOptions> thresholds, IOptions<TrendOptions> options)
{
    public async Task<ShippedComparison> EvaluateAsync(ShippedEvaluationRequest request, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var horizon = request.Models.FirstOrDefault()?.HorizonWeeks ?? options.Value.HorizonWeeks;
        var replayFrom = request.From.AddDays(-7 * request.WarmUpWeeks);
        progress?.Report("Lasting absence: features and labels");
        // Three weeks more than the replay: a beginning needs ten school days without lasting absence before it.
        var samples = await dataset.BuildAsync(replayFrom.AddDays(-21), request.To, thresholds.Value,
            new TrendLabelling(horizon, TrendLabel.Lasting, options.Value.LastingLevel), null, ct);
        var onsets = ShippedEvaluation.Onsets(samples, request.From, request.To);

        async Task<ShippedResult> ReplayAsync(TrendModelInfo? model)
        {
            var name = model is null ? "thresholds alone" : $"model v{model.Version}";
            var nights = await replay.ReplayAsync(replayFrom, request.To, await scoring.ScoringWithAsync(model, ct),
                new Progress<(DateOnly Night, int Done, int Nights)>(p => progress?.Report($"Replaying the nightly run, {name}: {p.Night:yyyy-MM-dd} ({p.Done + 1}/{p.Nights})")), ct);
            return ShippedEvaluation.Count(samples, onsets, nights, request.From, request.To, horizon);
        }

        var baseline = await ReplayAsync(null);
        var models = new List<ShippedModelResult>();
        foreach (var model in request.Models)
        {
            models.Add(new ShippedModelResult(model, await ReplayAsync(model)));
        }

        return new ShippedComparison(request.From, request.To, request.WarmUpWeeks, horizon, onsets.Count, onsets.Count(o => o.Foreseeable),
            baseline, models, clock.Elapsed);
    }
}
