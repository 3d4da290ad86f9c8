using System.CommandLine;
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
            var seeds = parse.GetValue(seed) ?? [20260817];
            var request = new TrendTrainingRequest(parse.GetValue(from), parse.GetValue(to), seeds[0]);
            return await Interruptible.RunAsync(host, ct, "training was stopped; no half-trained model was stored (`skolnarvaro models` lists those that were).", async ct =>
            {
                try
                {
                    TrainPrint.Print(await TrainPrint.WithProgressAsync(progress => host.Get<TrendTrainer>().TrainSeedsAsync(request, seeds, progress, ct), ct), seeds);
                    return ExitCodes.Ok;
                }
                catch (TrendTrainingException e)
                {
                    await Console.Error.WriteLineAsync($"Nothing was trained: {e.Message}");
                    return ExitCodes.BadConfiguration;
                }
            });
        });
        return command;
    }
}
