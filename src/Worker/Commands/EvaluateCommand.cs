using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;
using Spectre.Console;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// <c>evaluate</c>: scores a model on a period (by default the facts after its training period) against the threshold
/// rule at the same flag rate, and writes the report (HTML with charts) and its figures (JSON).
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<long?>("--model") { Description = "Model version (see `models`). Default: the active model." };
        var from = new Option<DateOnly?>("--from") { Description = "First scoring date (yyyy-MM-dd). Default: the day after the model's training period." };
        var to = new Option<DateOnly?>("--to") { Description = "Last day of facts used, labels included (yyyy-MM-dd). Default: the last fact." };
        var truth = new Option<FileInfo?>("--truth")
        {
            Description = "Synthetic data only: the generator's history-truth.csv, to break the results down by the kind of trajectory (Course).",
        };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for the report (evaluation-v<N>-<from>-<to>.html and .json). Default: out/trend." };
        var command = new Command("evaluate",
            "Evaluate a trend model on a period against the threshold rule at the same flag rate: ROC-AUC, precision, recall, lead time, " +
            "by gender and driftsform; writes an HTML report with charts and a JSON file.")
        {
            model, from, to, output, truth,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var store = host.Get<TrendModelStore>();
            var version = parse.GetValue(model);
            var info = version is { } v ? await store.GetAsync(v, ct) : await store.ActiveAsync(ct);
            if (info is null)
            {
                await Console.Error.WriteLineAsync(version is { } missing
                    ? $"--model {missing}: no such model; `skolnarvaro models` lists them."
                    : "No active model; give --model <version> (`skolnarvaro models` lists them) or train one with `skolnarvaro train`.");
                return ExitCodes.BadConfiguration;
            }

            if (!info.MatchesFeatures)
            {
                await Console.Error.WriteLineAsync($"Model v{info.Version} reads other features than this version computes; it cannot be evaluated. Retrain.");
                return ExitCodes.BadConfiguration;
            }

            var (_, lastFact) = await TrendTrainer.FactRangeAsync(host.Get<NpgsqlDataSource>(), ct);
            var first = parse.GetValue(from) ?? info.TrainedTo.AddDays(1);
            var last = parse.GetValue(to) ?? lastFact;
            if (last is not { } end || first > end)
            {
                await Console.Error.WriteLineAsync(
                    $"No facts to evaluate on from {first:yyyy-MM-dd} (last fact: {lastFact?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}). " +
                    "By default a model is evaluated on the period after its training; give --from/--to for another period.");
                return ExitCodes.BadConfiguration;
            }

            string? caveat = first <= info.TrainedTo
                ? $"Perioden överlappar modellens träningsperiod ({info.TrainedFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}) i datum. " +
                  "Är det samma elevers historik är detta ingen oberoende utvärdering."
                : null;
            if (caveat is not null)
            {
                AnsiConsole.MarkupLine($"[yellow]The period overlaps the model's training period ({info.TrainedFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}); " +
                                       "on the same pupils' history this is not an independent evaluation.[/]");
            }

            var options = host.Get<IOptions<TrendOptions>>().Value;
            if (options.HorizonWeeks != info.HorizonWeeks)
            {
                AnsiConsole.MarkupLine($"[yellow]The model was trained for a {info.HorizonWeeks}-week horizon; evaluating with that, not the configured {options.HorizonWeeks}.[/]");
            }

            IReadOnlyList<TrendSample> samples = [];
            await AnsiConsole.Progress().AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask("Features and labels", maxValue: 1.0);
                    samples = await host.Get<TrendDataset>().BuildAsync(first, end, host.Get<IOptions<ThresholdOptions>>().Value, info.HorizonWeeks,
                        new Progress<TrendDatasetProgress>(p =>
                        {
                            task.Description = Markup.Escape(p.School.Length > 0 ? $"Features and labels: {p.School}" : "Scoring");
                            task.Value = p.Schools == 0 ? 1 : (double)p.SchoolsDone / p.Schools;
                        }), ct);
                });
            if (samples.Count == 0)
            {
                await Console.Error.WriteLineAsync(
                    $"No scoring dates in {first:yyyy-MM-dd} – {end:yyyy-MM-dd} with a known outcome: the period must be longer than the " +
                    $"{info.HorizonWeeks}-week horizon.");
                return ExitCodes.BadConfiguration;
            }

            var trend = await store.LoadAsync(info, ct);
            var scores = trend.Score(samples.Select(s => s.Features).ToList());
            Dictionary<byte[], string>? courses = null;
            if (parse.GetValue(truth) is { } truthFile)
            {
                courses = ReadTruth(truthFile.FullName, host.Get<PupilKeyHasher>(), end);
                if (courses is null)
                {
                    await Console.Error.WriteLineAsync($"--truth {truthFile.FullName}: expected the generator's history-truth.csv (columns Personnummer and Course).");
                    return ExitCodes.BadConfiguration;
                }
            }

            var result = TrendEvaluation.Evaluate(samples, scores, first, end, info.HorizonWeeks, options.CutOff,
                courses is null ? null : s => courses.GetValueOrDefault(s.PupilKey));

            var folder = parse.GetValue(output)?.FullName ?? Path.Combine(WorkerHost.Home, "out", "trend");
            Directory.CreateDirectory(folder);
            var name = $"evaluation-v{info.Version}-{first:yyyyMMdd}-{end:yyyyMMdd}";
            var html = Path.Combine(folder, name + ".html");
            var json = Path.Combine(folder, name + ".json");
            await File.WriteAllTextAsync(html, TrendReport.Html(result, info, caveat), new UTF8Encoding(false), ct);
            await File.WriteAllTextAsync(json, TrendReport.Json(result, info, caveat), new UTF8Encoding(false), ct);
            Print(result, info);
            AnsiConsole.MarkupLine($"Report: {Markup.Escape(html)}");
            AnsiConsole.MarkupLine($"JSON:   {Markup.Escape(json)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(TrendEvaluationResult r, TrendModelInfo info)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }

        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine($"[bold]Trend model v{info.Version}[/] (trained {info.TrainedFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}) on " +
                               $"{r.From:yyyy-MM-dd} – {r.To:yyyy-MM-dd}: {r.ScoringDates} scoring dates, {r.Pupils:N0} pupils, {r.Overall.Samples:N0} samples, " +
                               $"{r.Overall.Positives:N0} reached hög frånvaro within {r.HorizonWeeks} weeks, {r.Overall.Crossers:N0} pupils crossed");
        AnsiConsole.MarkupLine($"Model at the rule's flag rate ({r.Overall.Rule.Flags:N0} flags); nightly = rule's riskfrånvaro + Trend at cut-off {r.CutOff.ToString("0.00", inv)}");
        var table = new Table().Border(TableBorder.Rounded).AddColumns(
            "Group", "Samples", "Positive", "AUC model", "AUC rule", "Recall model", "Recall rule", "Precision model", "Precision rule",
            "Crossed", "Caught model/rule/nightly", "Median lead weeks model/rule/nightly", "Caught ≥2 weeks ahead model/rule/nightly");
        foreach (var g in new[] { r.Overall }.Concat(r.ByGender).Concat(r.ByDriftsform).Concat(r.ByTrajectory))
        {
            table.AddRow(Markup.Escape(g.Group), g.Samples.ToString("N0", inv), g.Positives.ToString("N0", inv), A(g.ModelAuc), A(g.RuleAuc),
                P(g.Model.Recall), P(g.Rule.Recall), P(g.Model.Precision), P(g.Rule.Precision), g.Crossers.ToString("N0", inv),
                $"{g.Model.Caught}/{g.Rule.Caught}/{g.Nightly.Caught}", $"{W(g.Model.MedianLeadWeeks)}/{W(g.Rule.MedianLeadWeeks)}/{W(g.Nightly.MedianLeadWeeks)}",
                $"{g.Model.CaughtTwoWeeksAhead}/{g.Rule.CaughtTwoWeeksAhead}/{g.Nightly.CaughtTwoWeeksAhead}");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Pupils not at a level: AUC {A(r.ModelAucNotAtLevel)} on {r.NotAtLevelSamples:N0} samples ({r.NotAtLevelPositives:N0} positive); " +
                               $"at the cut-off {r.TrendAtCutOff.Flags:N0} Trend flags, precision {P(r.TrendAtCutOff.Precision)}, recall {P(r.TrendAtCutOff.Recall)}");
    }

    /// <summary>The generator's answer key: pupil key (hashed as the import hashes) → course; null when the file is not one.</summary>
    private static Dictionary<byte[], string>? ReadTruth(string path, PupilKeyHasher hasher, DateOnly today)
    {
        var lines = File.ReadAllLines(path);
        var header = lines.Length > 0 ? lines[0].Split(';') : [];
        int pnr = Array.IndexOf(header, "Personnummer"), course = Array.IndexOf(header, "Course");
        if (pnr < 0 || course < 0)
        {
            return null;
        }

        var courses = new Dictionary<byte[], string>(PupilKeyComparer.Instance);
        foreach (var line in lines.Skip(1))
        {
            var cells = line.Split(';');
            if (cells.Length > Math.Max(pnr, course) && Personnummer.TryParse(cells[pnr], today, out var p, out _))
            {
                courses[hasher.KeyFor(p)] = cells[course];
            }
        }

        return courses;
    }

    private static string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);

    private static string A(double? v) => v?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-";

    private static string W(double? v) => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}
