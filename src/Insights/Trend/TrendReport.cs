using System.Text.Json;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// The evaluation's figures as JSON, the same the HTML page (<see cref="TrendReportHtml"/>, a Scriban template) shows.
/// No pupil appears: only counts and shares.
/// </summary>
public static class TrendReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Json(TrendEvaluationResult r, AlertBudgetResult budget, TrendModelInfo model, string? caveat) => JsonSerializer.Serialize(new
    {
        model = new
        {
            model.Version, model.TrainedFrom, model.TrainedTo, model.HeldOutFrom, model.HeldOutTo, model.Seed, model.HorizonWeeks,
            model.HeldOutAuc, model.Features, model.ModelSha256, label = model.Label.ToString(), model.TrendCutOff, model.AddedShare,
        },
        caveat,
        alertBudget = budget,
        evaluation = r,
    }, Indented);
}
