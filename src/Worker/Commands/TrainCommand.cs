using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary><c>train</c>: trains a trend model on a period and activates it only if it is at least as good as the active one.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var from = new Option<DateOnly?>("--from") { Description = "First scoring date (yyyy-MM-dd). Default: one year before --to, or the first fact." };
        var to = new Option<DateOnly?>("--to") { Description = "Last day of facts used, labels included (yyyy-MM-dd). Default: the last fact." };
        var seed = new Option<int[]>("--seed")
        {
            Description = "Random seed: the same facts and seed train the same model, another seed another one. Several (--seed 1 2 3 4 5) " +
                          "train one model each on the same samples, each through the gate in turn, and print the spread.",
            DefaultValueFactory = _ => [20260817],
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("train",
            "Train a trend model (ML.NET FastTree) on the facts: every school day, label = lasting absence over Skolnarvaro:Trend:HorizonWeeks " +
            "(or Trend:Label Crossing); validated and calibrated on later dates and other pupils; activated only if better than the active model " +
            "by Trend:GateMargin on the same held-out samples.")
        {
            from, to, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            IReadOnlyList<TrendTrainingResult> results = [];
            var seeds = parse.GetValue(seed) ?? [20260817];
            try
            {
                await AnsiConsole.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("Training", maxValue: 1.0);
                        results = await host.Get<TrendTrainer>().TrainSeedsAsync(
                            new TrendTrainingRequest(parse.GetValue(from), parse.GetValue(to), seeds[0]), seeds,
                            new Progress<TrendTrainingProgress>(p =>
                            {
                                task.Description = Markup.Escape(p.Stage);
                                task.Value = p.Fraction;
                            }), ct);
                    });
            }
            catch (TrendTrainingException e)
            {
                await Console.Error.WriteLineAsync($"Nothing was trained: {e.Message}");
                return ExitCodes.BadConfiguration;
            }

            var inv = CultureInfo.InvariantCulture;
            for (var k = 0; k < results.Count; k++)
            {
                Print(results[k], seeds[k], inv);
            }

            if (results.Count > 1)
            {
                var aucs = results.Select(r => r.HeldOutAuc).ToList();
                AnsiConsole.MarkupLine($"Held-out AUC over {results.Count} seeds: {aucs.Min().ToString("0.000", inv)} – {aucs.Max().ToString("0.000", inv)} " +
                                       $"(mean {aucs.Average().ToString("0.000", inv)})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(TrendTrainingResult result, int seed, CultureInfo inv)
    {
        AnsiConsole.MarkupLine($"[bold]Trend model v{result.Version}[/] trained on {result.From:yyyy-MM-dd} – {result.To:yyyy-MM-dd} (seed {seed})");
        AnsiConsole.MarkupLine($"  training:  {result.TrainingSamples:N0} samples, {result.TrainingPositives:N0} positive (the label within the horizon)");
        AnsiConsole.MarkupLine($"  held out:  {result.HeldOutFrom:yyyy-MM-dd} – {result.HeldOutTo:yyyy-MM-dd}, other pupils: {result.HeldOutSamples:N0} samples, " +
                               $"{result.HeldOutPositives:N0} positive; AUC [bold]{result.HeldOutAuc.ToString("0.000", inv)}[/]" +
                               (result.PreviousAuc is { } p ? $" (active v{result.PreviousVersion}: {p.ToString("0.000", inv)})" : ""));
        AnsiConsole.MarkupLine($"  time:      features and labels {result.DatasetTime.TotalSeconds.ToString("0.0", inv)} s, training {result.TrainingTime.TotalSeconds.ToString("0.0", inv)} s");
        AnsiConsole.MarkupLine((result.Activated ? "[green]" : "[yellow]") + Markup.Escape(result.Decision) + "[/]");
    }
}
