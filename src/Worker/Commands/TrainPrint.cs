using System.Globalization;
using Spectre.Console;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Worker.Commands;

/// <summary>Training on the command line: a progress bar while it trains, then each model and its gate, and the spread over seeds.</summary>
internal static class TrainPrint
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Runs the training under a progress bar. Stopped, it returns at once: the trees being grown are abandoned with the
    /// process, and a model is stored only after it is trained.
    /// </summary>
    public static async Task<IReadOnlyList<TrendTrainingResult>> WithProgressAsync(
        Func<IProgress<TrendTrainingProgress>, Task<IReadOnlyList<TrendTrainingResult>>> train, CancellationToken ct)
    {
        IReadOnlyList<TrendTrainingResult> results = [];
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Training", maxValue: 1.0);
                results = await train(new Progress<TrendTrainingProgress>(p =>
                {
                    task.Description = Markup.Escape(p.Stage);
                    task.Value = p.Fraction;
                })).WaitAsync(ct);
            });
        return results;
    }

    public static void Print(IReadOnlyList<TrendTrainingResult> results, int[] seeds)
    {
        for (var k = 0; k < results.Count; k++)
        {
            Print(results[k], seeds[k]);
        }

        if (results.Count > 1)
        {
            var aucs = results.Select(r => r.HeldOutAuc).ToList();
            AnsiConsole.MarkupLine($"Held-out AUC over {results.Count} seeds: {aucs.Min().ToString("0.000", Inv)} – {aucs.Max().ToString("0.000", Inv)} " +
                                   $"(mean {aucs.Average().ToString("0.000", Inv)})");
        }
    }

    private static void Print(TrendTrainingResult result, int seed)
    {
        AnsiConsole.MarkupLine($"[bold]Trend model v{result.Version}[/] trained on {result.From:yyyy-MM-dd} – {result.To:yyyy-MM-dd} (seed {seed})");
        AnsiConsole.MarkupLine($"  training:  {result.TrainingSamples:N0} samples, {result.TrainingPositives:N0} positive (the label within the horizon)");
        AnsiConsole.MarkupLine($"  held out:  {result.HeldOutFrom:yyyy-MM-dd} – {result.HeldOutTo:yyyy-MM-dd}, other pupils: {result.HeldOutSamples:N0} samples, " +
                               $"{result.HeldOutPositives:N0} positive; AUC [bold]{result.HeldOutAuc.ToString("0.000", Inv)}[/]" +
                               (result.PreviousAuc is { } p ? $" (active v{result.PreviousVersion}: {p.ToString("0.000", Inv)})" : ""));
        AnsiConsole.MarkupLine($"  time:      features and labels {result.DatasetTime.TotalSeconds.ToString("0.0", Inv)} s, training {result.TrainingTime.TotalSeconds.ToString("0.0", Inv)} s");
        AnsiConsole.MarkupLine((result.Activated ? "[green]" : "[yellow]") + Markup.Escape(result.Decision) + "[/]");
    }
}
