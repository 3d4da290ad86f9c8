using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// <c>evaluate</c>: replays the nightly run over a period with a model and with thresholds alone, counts what reached the
/// rektorer and when, and writes the page (HTML) and its figures (JSON).
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<long?>("--model") { Description = "Model version (see `models`). Default: the active model." };
        var also = new Option<long[]>("--also")
        {
            Description = "More model versions (e.g. trained with other seeds), each replayed the same way: prints each and the spread.",
            AllowMultipleArgumentsPerToken = true,
        };
        var from = new Option<DateOnly?>("--from")
        {
            Description = "First day counted (yyyy-MM-dd). Default: the day after the model's training period, or, when no facts come after it, " +
                          "the start of its held-out days (never trained on).",
        };
        var to = new Option<DateOnly?>("--to") { Description = "Last night replayed (yyyy-MM-dd). Default: the last fact." };
        var warmUp = new Option<int>("--warm-up-weeks")
        {
            Description = "Replay this many weeks before --from without counting them: the go-live overview and the flags standing when the period " +
                          "begins happen there, as in an installation that has been running. Default 4.",
            DefaultValueFactory = _ => 4,
        };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for the page (evaluation-v<N>-<from>-<to>.html and .json). Default: out/trend." };
        var command = new Command("evaluate",
            "Evaluate what ships: replay the nightly run night by night over a period (levels, Trend flags at the model's cut-off, news, cool-down, " +
            "the digest cadence and card limit) with the model and with thresholds alone, and count who was flagged, named in a digest and shown " +
            "on a card, and how many school days before their lasting absence began; writes an HTML page and a JSON file.")
        {
            model, also, from, to, warmUp, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var request = new EvaluationRequest(parse.GetValue(model), parse.GetValue(also) ?? [], parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(warmUp), parse.GetValue(output)?.FullName);
            return await Interruptible.RunAsync(host, ct, "the evaluation was stopped before it finished; no page was written.",
                ct => EvaluateAsync(host.Get<EvaluationDesk>(), request, ct));
        });
        return command;
    }

    private static async Task<int> EvaluateAsync(EvaluationDesk desk, EvaluationRequest request, CancellationToken ct)
    {
        try
        {
            var plan = await desk.PlanAsync(request, ct);
            if (plan.Caveat is not null)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(plan.Caveat)}[/]");
            }

            EvaluationOutcome outcome = null!;
            await AnsiConsole.Status().StartAsync("Replaying", async status =>
                outcome = await desk.EvaluateAsync(plan, new Progress<string>(line => status.Status(Markup.Escape(line))), ct));
            ShippedPrint.Print(outcome);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is EvaluationRefusedException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return ExitCodes.BadConfiguration;
        }
    }
}
