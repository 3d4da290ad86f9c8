using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary><c>train</c>: trains a trend model on a period and activates it only if it is at least as good as the active one.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var from = new Option<DateOnly?>("--from") { Description = "First scoring date (yyyy-MM-dd). Default: one year before --to, or the first fact." };
        var to = new Option<DateOnly?>("--to") { Description = "Last day of facts used, labels included (yyyy-MM-dd). Default: the last fact." };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same facts and seed train the same model.", DefaultValueFactory = _ => 20260817 };
        var command = new Command("train",
            "Train a trend model (ML.NET FastTree) on the facts: weekly samples, label = reaches hög frånvaro within Skolnarvaro:Trend:HorizonWeeks; " +
            "validated on later dates and other pupils; activated only if at least as good as the active model on the same held-out samples.")
        {
            from, to, seed,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            TrendTrainingResult result = null!;
            try
            {
                await AnsiConsole.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("Training", maxValue: 1.0);
                        result = await host.Get<TrendTrainer>().TrainAndMaybeActivateAsync(
                            new TrendTrainingRequest(parse.GetValue(from), parse.GetValue(to), parse.GetValue(seed)),
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
            AnsiConsole.MarkupLine($"[bold]Trend model v{result.Version}[/] trained on {result.From:yyyy-MM-dd} – {result.To:yyyy-MM-dd} (seed {parse.GetValue(seed)})");
            AnsiConsole.MarkupLine($"  training:  {result.TrainingSamples:N0} samples, {result.TrainingPositives:N0} reached hög frånvaro within the horizon");
            AnsiConsole.MarkupLine($"  held out:  {result.HeldOutFrom:yyyy-MM-dd} – {result.HeldOutTo:yyyy-MM-dd}, other pupils: {result.HeldOutSamples:N0} samples, " +
                                   $"{result.HeldOutPositives:N0} positive; AUC [bold]{result.HeldOutAuc.ToString("0.000", inv)}[/]" +
                                   (result.PreviousAuc is { } p ? $" (active v{result.PreviousVersion}: {p.ToString("0.000", inv)})" : ""));
            AnsiConsole.MarkupLine($"  time:      features and labels {result.DatasetTime.TotalSeconds.ToString("0.0", inv)} s, training {result.TrainingTime.TotalSeconds.ToString("0.0", inv)} s");
            AnsiConsole.MarkupLine((result.Activated ? "[green]" : "[yellow]") + Markup.Escape(result.Decision) + "[/]");
            return ExitCodes.Ok;
        });
        return command;
    }
}
