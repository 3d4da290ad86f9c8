using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Spectre.Console;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;

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
            var report = new ShippedReportHtml(host.Get<IOptions<ReportOptions>>().Value.TemplateFolder);
            var (request, caveat, error) = await RequestAsync(host, parse.GetValue(model), parse.GetValue(also) ?? [], parse.GetValue(from), parse.GetValue(to),
                parse.GetValue(warmUp), ct);
            if (request is null)
            {
                await Console.Error.WriteLineAsync(error);
                return ExitCodes.BadConfiguration;
            }

            if (caveat is not null)
            {
                AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(caveat)}[/]");
            }

            ShippedComparison result = null!;
            try
            {
                await AnsiConsole.Status().StartAsync("Replaying", async ctx =>
                    result = await host.Get<ShippedEvaluator>().EvaluateAsync(request, new Progress<string>(line => ctx.Status(Markup.Escape(line))), ct));
            }
            catch (InvalidOperationException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.BadConfiguration;
            }

            var folder = parse.GetValue(output)?.FullName ?? Path.Combine(WorkerHost.Home, "out", "trend");
            Directory.CreateDirectory(folder);
            var name = $"evaluation-v{request.Models[0].Version}-{request.From:yyyyMMdd}-{request.To:yyyyMMdd}";
            var (html, json) = (Path.Combine(folder, name + ".html"), Path.Combine(folder, name + ".json"));
            await File.WriteAllTextAsync(html, report.Render(result, caveat), new UTF8Encoding(false), ct);
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }), new UTF8Encoding(false), ct);
            ShippedPrint.Print(result);
            AnsiConsole.MarkupLine($"Page: {Markup.Escape(html)}");
            AnsiConsole.MarkupLine($"JSON: {Markup.Escape(json)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The models and the period from the options and the registry; or why there is nothing to evaluate.</summary>
    private static async Task<(ShippedEvaluationRequest? Request, string? Caveat, string? Error)> RequestAsync(
        Microsoft.Extensions.Hosting.IHost host, long? version, long[] also, DateOnly? from, DateOnly? to, int warmUp, CancellationToken ct)
    {
        if (warmUp is < 0 or > 52)
        {
            return (null, null, $"--warm-up-weeks {warmUp}: expected 0 to 52 weeks.");
        }

        var store = host.Get<TrendModelStore>();
        var info = version is { } v ? await store.GetAsync(v, ct) : await store.ActiveAsync(ct);
        if (info is null)
        {
            return (null, null, version is { } missing
                ? $"--model {missing}: no such model; `skolnarvaro models` lists them."
                : "No active model; give --model <version> (`skolnarvaro models` lists them) or train one with `skolnarvaro train`.");
        }

        var models = new List<TrendModelInfo> { info };
        foreach (var other in also)
        {
            if (await store.GetAsync(other, ct) is not { } o)
            {
                return (null, null, $"--also {other}: no such model; `skolnarvaro models` lists them.");
            }

            models.Add(o);
        }

        if (models.FirstOrDefault(m => !m.MatchesFeatures) is { } stale)
        {
            return (null, null, $"Model v{stale.Version} reads other features than this version computes; it cannot be evaluated. Retrain.");
        }

        var (_, lastFact) = await TrendTrainer.FactRangeAsync(host.Get<NpgsqlDataSource>(), ct);
        var end = to ?? lastFact;
        // Trained up to the last fact (train's defaults): the held-out days, which no tree was trained on, are what is left.
        var first = from ?? (lastFact > info.TrainedTo ? info.TrainedTo.AddDays(1) : info.HeldOutFrom);
        if (end is not { } last || first > last)
        {
            return (null, null, $"No facts to evaluate on from {first:yyyy-MM-dd} (last fact: {lastFact?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}); " +
                                "give --from/--to for another period.");
        }

        var caveat = first > info.TrainedTo ? null
            : first >= info.HeldOutFrom && from is null
                ? $"No facts after the model's training period; evaluated on its held-out days {info.HeldOutFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}: no tree was " +
                  "trained on them, but its calibration and Trend cut-off were chosen on a fifth of the pupils there. Import later exports for an independent evaluation."
                : $"The period overlaps the model's training period ({info.TrainedFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}); on the same pupils' history " +
                  "this is not an independent evaluation.";
        return (new ShippedEvaluationRequest(first, last, warmUp, models), caveat, null);
    }
}
