using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Reporting;

namespace Skolnarvaro.Insights.Trend;

/// <summary>What an analyst asks <c>evaluate</c> for: the model (null: the active one), more models, the period, the warm-up, the folder.</summary>
public sealed record EvaluationRequest(long? Model, IReadOnlyList<long> Also, DateOnly? From, DateOnly? To, int WarmUpWeeks, string? Folder);

/// <summary>An evaluation ready to replay, and what the analyst should know about its period before trusting it.</summary>
public sealed record EvaluationPlan(ShippedEvaluationRequest Request, string? Caveat, string? Folder);

/// <summary>What the evaluation counted and the page (HTML) and figures (JSON) it wrote.</summary>
public sealed record EvaluationOutcome(ShippedComparison Result, string HtmlFile, string JsonFile);

/// <summary>Why an evaluation was not started, in one line for the analyst.</summary>
public sealed class EvaluationRefusedException(string message) : Exception(message);

/// <summary>
/// The service behind <c>evaluate</c>: settles the models and the period from the registry and the facts
/// (<see cref="PlanAsync"/>), replays the nightly run with each and with thresholds alone (<see cref="ShippedEvaluator"/>)
/// and writes the page and its figures — both or neither (<see cref="EvaluateAsync"/>).
/// </summary>
public sealed class EvaluationDesk(
    NpgsqlDataSource db, TrendModelStore store, ShippedEvaluator evaluator, IOptions<ReportOptions> report, DeskFolders folders)
{
    public async Task<EvaluationPlan> PlanAsync(EvaluationRequest request, CancellationToken ct)
    {
        if (request.WarmUpWeeks is < 0 or > 52)
        {
            throw new EvaluationRefusedException($"--warm-up-weeks {request.WarmUpWeeks}: expected 0 to 52 weeks.");
        }

        var models = await ModelsAsync(request, ct);
        var info = models[0];
        var (_, lastFact) = await TrendTrainer.FactRangeAsync(db, ct);
        var end = request.To ?? lastFact;
        // Trained up to the last fact (train's defaults): the held-out days, which no tree was trained on, are what is left.
        var first = request.From ?? (lastFact > info.TrainedTo ? info.TrainedTo.AddDays(1) : info.HeldOutFrom);
        if (end is not { } last || first > last)
        {
            throw new EvaluationRefusedException(
                $"No facts to evaluate on from {first:yyyy-MM-dd} (last fact: {lastFact?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}); " +
                "give --from/--to for another period.");
        }

        return new EvaluationPlan(new ShippedEvaluationRequest(first, last, request.WarmUpWeeks, models), Caveat(info, first, request.From), request.Folder);
    }

    /// <summary>Replays and counts, then writes the page and the JSON; a stopped evaluation writes neither.</summary>
    public async Task<EvaluationOutcome> EvaluateAsync(EvaluationPlan plan, IProgress<string>? progress, CancellationToken ct)
    {
        var page = new ShippedReportHtml(report.Value.TemplateFolder);
        var result = await evaluator.EvaluateAsync(plan.Request, progress, ct);
        var folder = plan.Folder ?? folders.Resolve("out", "trend");
        var request = plan.Request;
        var name = $"evaluation-v{request.Models[0].Version}-{request.From:yyyyMMdd}-{request.To:yyyyMMdd}";
        var (html, json) = (Path.Combine(folder, name + ".html"), Path.Combine(folder, name + ".json"));
        await DeskFiles.WriteAllAsync([
            DeskFile.Text(html, page.Render(result, plan.Caveat), ct),
            DeskFile.Text(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }), ct)]);
        return new EvaluationOutcome(result, html, json);
    }

    /// <summary>The model asked for (or the active one) first, then the others; each must read the features this version computes.</summary>
    private async Task<List<TrendModelInfo>> ModelsAsync(EvaluationRequest request, CancellationToken ct)
    {
        var info = request.Model is { } v ? await store.GetAsync(v, ct) : await store.ActiveAsync(ct);
        if (info is null)
        {
            throw new EvaluationRefusedException(request.Model is { } missing
                ? $"--model {missing}: no such model; `skolnarvaro models` lists them."
                : "No active model; give --model <version> (`skolnarvaro models` lists them) or train one with `skolnarvaro train`.");
        }

        var models = new List<TrendModelInfo> { info };
        foreach (var other in request.Also)
        {
            models.Add(await store.GetAsync(other, ct)
                ?? throw new EvaluationRefusedException($"--also {other}: no such model; `skolnarvaro models` lists them."));
        }

        if (models.FirstOrDefault(m => !m.MatchesFeatures) is { } stale)
        {
            throw new EvaluationRefusedException($"Model v{stale.Version} reads other features than this version computes; it cannot be evaluated. Retrain.");
        }

        return models;
    }

    /// <summary>Why the period is not an independent evaluation, when it is not.</summary>
    private static string? Caveat(TrendModelInfo info, DateOnly first, DateOnly? from) =>
        first > info.TrainedTo ? null
        : first >= info.HeldOutFrom && from is null
            ? $"No facts after the model's training period; evaluated on its held-out days {info.HeldOutFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}: no tree was " +
              "trained on them, but its calibration and Trend cut-off were chosen on a fifth of the pupils there. Import later exports for an independent evaluation."
            : $"The period overlaps the model's training period ({info.TrainedFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}); on the same pupils' history " +
              "this is not an independent evaluation.";
}
