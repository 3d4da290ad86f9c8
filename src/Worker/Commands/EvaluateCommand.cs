using System.CommandLine;
using System.Globalization;
using System.Text;
using CsvHelper;
using Microsoft.Extensions.Options;
using Npgsql;
using Spectre.Console;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Reporting;
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
        var also = new Option<long[]>("--also")
        {
            Description = "More model versions (trained with other seeds) to evaluate on the same samples: prints each and the spread.",
            AllowMultipleArgumentsPerToken = true,
        };
        var from = new Option<DateOnly?>("--from") { Description = "First scoring date (yyyy-MM-dd). Default: the day after the model's training period." };
        var to = new Option<DateOnly?>("--to") { Description = "Last day of facts used, labels included (yyyy-MM-dd). Default: the last fact." };
        var truth = new Option<FileInfo?>("--truth")
        {
            Description = "Synthetic data only: the generator's history-truth.csv, to break the results down by the kind of trajectory (Course).",
        };
        var keep = new Option<double>("--keep")
        {
            Description = "The model's flag policy at the alert budget: a flag, once raised at the threshold, stands while the probability is at least this share of it.",
            DefaultValueFactory = _ => AlertBudgetEvaluation.DefaultKeep,
        };
        var names = new Option<ModelNames>("--model-names")
        {
            Description = "Whom the model names at the rule's alert budget: NotHigh (default) — pupils not at hög frånvaro, which the rule names " +
                          "already; RaisedNotHigh — a flag is raised only for a pupil not at hög frånvaro but stands through it; Everyone — the " +
                          "highest probabilities, whoever has them (the earlier policy).",
            DefaultValueFactory = _ => ModelNames.NotHigh,
        };
        var trendCutOff = new Option<double?>("--trend-cut-off")
        {
            Description = "The nightly figure at this Trend cut-off instead of each model's stored one (to compare cut-off policies on the same samples).",
        };
        var warmUp = new Option<int>("--warm-up-weeks")
        {
            Description = "Score this many weeks before --from too, without counting them: flags standing when the period begins keep their lead " +
                          "(otherwise every lead is cut off at the period's start). Default 0.",
            DefaultValueFactory = _ => 0,
        };
        var output = new Option<DirectoryInfo?>("--out") { Description = "Folder for the report (evaluation-v<N>-<from>-<to>.html and .json). Default: out/trend." };
        var command = new Command("evaluate",
            "Evaluate a trend model on a period against the threshold rule at the same flag rate: ROC-AUC, precision, recall, lead time, " +
            "by gender and driftsform; writes an HTML report with charts and a JSON file.")
        {
            model, from, to, output, truth, also, keep, names, trendCutOff, warmUp,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            // Read and checked before any work: a broken template stops here, with its file and line.
            var report = new TrendReportHtml(host.Get<IOptions<ReportOptions>>().Value.TemplateFolder);
            var store = host.Get<TrendModelStore>();
            if (parse.GetValue(keep) is var k && k is <= 0 or > 1)
            {
                await Console.Error.WriteLineAsync($"--keep {k.ToString(CultureInfo.InvariantCulture)}: expected a share of the threshold above 0 and at most 1 (default {AlertBudgetEvaluation.DefaultKeep.ToString(CultureInfo.InvariantCulture)}).");
                return ExitCodes.BadConfiguration;
            }

            if (parse.GetValue(trendCutOff) is { } c && c is <= 0 or >= 1)
            {
                await Console.Error.WriteLineAsync($"--trend-cut-off {c.ToString(CultureInfo.InvariantCulture)}: expected a probability above 0 and below 1, such as 0.2.");
                return ExitCodes.BadConfiguration;
            }

            if (parse.GetValue(warmUp) is var w && w is < 0 or > 52)
            {
                await Console.Error.WriteLineAsync($"--warm-up-weeks {w}: expected 0 to 52 weeks.");
                return ExitCodes.BadConfiguration;
            }

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
                    samples = await host.Get<TrendDataset>().BuildAsync(first.AddDays(-7 * parse.GetValue(warmUp)), end, host.Get<IOptions<ThresholdOptions>>().Value,
                        new TrendLabelling(info.HorizonWeeks, info.Label == TrendLabel.Onset ? TrendLabel.Lasting : info.Label, options.LastingLevel),
                        new Progress<TrendDatasetProgress>(p =>
                        {
                            task.Description = Markup.Escape(p.School.Length > 0 ? $"Features and labels: {p.School}" : "Scoring");
                            task.Value = p.Schools == 0 ? 1 : (double)p.SchoolsDone / p.Schools;
                        }), ct);
                });
            if (!samples.Any(s => s.Date >= first))
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

            Func<TrendSample, string?>? trajectory = courses is null ? null : s => courses.GetValueOrDefault(s.PupilKey);
            var cutOff = parse.GetValue(trendCutOff) ?? Math.Max(options.CutOff, info.TrendCutOff ?? options.CutOff);
            // The warm-up's samples only carry flags into the period (AlertBudgetEvaluation counts from `first`); the per-sample evaluation leaves them out.
            var inPeriod = Enumerable.Range(0, samples.Count).Where(i => samples[i].Date >= first).ToList();
            var result = TrendEvaluation.Evaluate(inPeriod.Select(i => samples[i]).ToList(), inPeriod.Select(i => scores[i]).ToList(), first, end,
                info.HorizonWeeks, cutOff, trajectory);
            var budget = AlertBudgetEvaluation.Evaluate(samples, scores, first, end, info.HorizonWeeks, cutOff, trajectory, parse.GetValue(keep), parse.GetValue(names));

            var folder = parse.GetValue(output)?.FullName ?? Path.Combine(WorkerHost.Home, "out", "trend");
            Directory.CreateDirectory(folder);
            var name = $"evaluation-v{info.Version}-{first:yyyyMMdd}-{end:yyyyMMdd}";
            var html = Path.Combine(folder, name + ".html");
            var json = Path.Combine(folder, name + ".json");
            await File.WriteAllTextAsync(html, report.Render(result, budget, info, caveat), new UTF8Encoding(false), ct);
            await File.WriteAllTextAsync(json, TrendReport.Json(result, budget, info, caveat), new UTF8Encoding(false), ct);
            Print(budget, info);
            var spread = new List<AlertBudgetResult> { budget };
            foreach (var other in parse.GetValue(also) ?? [])
            {
                if (await store.GetAsync(other, ct) is not { MatchesFeatures: true } otherInfo)
                {
                    await Console.Error.WriteLineAsync($"--also {other}: no such model, or it reads other features; skipped.");
                    continue;
                }

                var otherScores = (await store.LoadAsync(otherInfo, ct)).Score(samples.Select(s => s.Features).ToList());
                var otherCutOff = parse.GetValue(trendCutOff) ?? Math.Max(options.CutOff, otherInfo.TrendCutOff ?? options.CutOff);
                var b = AlertBudgetEvaluation.Evaluate(samples, otherScores, first, end, info.HorizonWeeks, otherCutOff, trajectory, parse.GetValue(keep), parse.GetValue(names));
                Print(b, otherInfo);
                spread.Add(b);
            }

            if (spread.Count > 1)
            {
                string Range(Func<AlertBudgetResult, double> f, string format) =>
                    $"{spread.Min(f).ToString(format, CultureInfo.InvariantCulture)} – {spread.Max(f).ToString(format, CultureInfo.InvariantCulture)}";
                AnsiConsole.MarkupLine($"Spread over {spread.Count} models: AUC {Range(r => r.ModelAuc ?? 0, "0.000")}; recall model − rule (points) " +
                                       $"{Range(r => 100 * (r.Overall.Model.Recall - r.Overall.Rule.Recall), "0.0")}; median lead model − rule (school days) " +
                                       $"{Range(r => (r.Overall.Model.MedianLeadDays ?? 0) - (r.Overall.Rule.MedianLeadDays ?? 0), "0.0")}; nightly entries ÷ rule " +
                                       $"{Range(r => 1 + r.NightlyAddedShare, "0.000")} (weekly digest {Range(r => 1 + r.NightlyAddedShareWeekly, "0.000")}); paired lead model − rule (school days) " +
                                       $"{Range(r => r.Overall.ModelVsRule.MedianDifference ?? 0, "0.0")}; named ≥ {AlertBudgetEvaluation.EarlyDays} days before, model − rule (points) " +
                                       $"{Range(r => 100 * (r.Overall.Model.RecallEarly - r.Overall.Rule.RecallEarly), "0.0")}; model recall gap girls − boys (points) " +
                                       $"{Range(r => r.ByGender.Count == 2 ? 100 * (r.ByGender[0].Model.Recall - r.ByGender[1].Model.Recall) : 0, "0.0")}; kommunal − fristående " +
                                       $"{Range(r => r.ByDriftsform.Count == 2 ? 100 * (r.ByDriftsform[0].Model.Recall - r.ByDriftsform[1].Model.Recall) : 0, "0.0")}");
            }
            AnsiConsole.MarkupLine($"Report: {Markup.Escape(html)}");
            AnsiConsole.MarkupLine($"JSON:   {Markup.Escape(json)}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Print(AlertBudgetResult r, TrendModelInfo info)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 200);
        }

        var inv = CultureInfo.InvariantCulture;
        AnsiConsole.MarkupLine($"[bold]Trend model v{info.Version}[/] ({info.Label}, seed {info.Seed}, trained {info.TrainedFrom:yyyy-MM-dd} – {info.TrainedTo:yyyy-MM-dd}) on " +
                               $"{r.From:yyyy-MM-dd} – {r.To:yyyy-MM-dd}: {r.SchoolDays} school days, {r.Pupils:N0} pupils, {r.Samples:N0} pupil-days, {r.SchoolWeeks} school-weeks; " +
                               $"{r.Overall.LastingPupils} pupils began lasting absence (≥ the level's share over {r.HorizonWeeks} school weeks)");
        AnsiConsole.MarkupLine($"ROC-AUC on lasting absence: model {A(r.ModelAuc)}, rule {A(r.RuleAuc)}. Model at the rule's alert budget{r.ModelNames switch { ModelNames.NotHigh => " (pupils not at hög frånvaro)", ModelNames.RaisedNotHigh => " (raised for pupils not at hög frånvaro)", _ => "" }}: probability ≥ {r.ModelThreshold.ToString("0.000", inv)}; " +
                               $"nightly = rule + Trend at ≥ {r.TrendCutOff.ToString("0.00", inv)} (adds {P(r.NightlyAddedShare)} entries; " +
                               $"{P(r.NightlyAddedShareWeekly)} counting a pupil once a school-week, as a weekly digest does)");
        var table = new Table().Border(TableBorder.Rounded).AddColumns(
            "Group", "Began lasting", "Entries/school-week rule/model/nightly", "Recall rule (95 %)", "Recall model (95 %)", "Recall nightly",
            "Median lead days rule/model/nightly", "Paired lead model − rule (pupils)", $"Named ≥ {AlertBudgetEvaluation.EarlyDays} days before rule/model",
            "Precision rule/model/nightly");
        foreach (var g in new[] { r.Overall }.Concat(r.ByGender).Concat(r.ByDriftsform).Concat(r.ByGradeBand).Concat(r.ByTrajectory))
        {
            table.AddRow(Markup.Escape(g.Group), g.LastingPupils.ToString("N0", inv),
                $"{g.Rule.EntriesPerSchoolWeek:0.00}/{g.Model.EntriesPerSchoolWeek:0.00}/{g.Nightly.EntriesPerSchoolWeek:0.00}",
                $"{P(g.Rule.Recall)} ({R(g.Rule)})", $"{P(g.Model.Recall)} ({R(g.Model)})", P(g.Nightly.Recall),
                $"{W(g.Rule.MedianLeadDays)}/{W(g.Model.MedianLeadDays)}/{W(g.Nightly.MedianLeadDays)}",
                $"{W(g.ModelVsRule.MedianDifference)} ({g.ModelVsRule.Pupils})",
                $"{P(g.Rule.RecallEarly)}/{P(g.Model.RecallEarly)}",
                $"{P(g.Rule.Precision)}/{P(g.Model.Precision)}/{P(g.Nightly.Precision)}");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"Flagged pupil-days rule/model: {r.Overall.Rule.FlaggedDays:N0}/{r.Overall.Model.FlaggedDays:N0} (the model's budget caps both entries and these); " +
                               $"model flags stand while the probability is ≥ {r.Keep.ToString("0.00", inv)} × the threshold");
        AnsiConsole.MarkupLine($"Named pupils whose flag had stood since their first sampled day in the period (lead cut off there) rule/model: " +
                               $"{r.Overall.Rule.LeadsCutAtStart}/{r.Overall.Rule.Named} and {r.Overall.Model.LeadsCutAtStart}/{r.Overall.Model.Named}");
        foreach (var pair in new[] { r.ByGender, r.ByDriftsform }.Where(p => p.Count == 2))
        {
            var (rule, model) = (RecallGap.Between(pair[0], pair[1], g => g.Rule), RecallGap.Between(pair[0], pair[1], g => g.Model));
            AnsiConsole.MarkupLine($"Recall gap {Markup.Escape(pair[0].Group)} − {Markup.Escape(pair[1].Group)} ({pair[0].LastingPupils} and {pair[1].LastingPupils} pupils): " +
                                   $"rule {Gap(rule)}, model {Gap(model)}");
        }

        AnsiConsole.MarkupLine($"Rule entries not followed or preceded by lasting absence within the horizon: {r.RuleEntriesWithoutLasting:N0} of {r.Overall.Rule.Entries:N0}; " +
                               $"of them illness-only (mostly whole days of giltig frånvaro): {r.RuleEntriesIllnessOnly:N0}");
        AnsiConsole.MarkupLine("Calibration (predicted → observed): " + string.Join(", ", r.Calibration.Select(b =>
            $"{b.From.ToString("0.00", inv)}–{b.To.ToString("0.00", inv)}: {b.MeanPredicted.ToString("0.00", inv)} → {b.Observed.ToString("0.00", inv)} (n={b.Samples})")));
    }

    /// <summary>The generator's answer key: pupil key (hashed as the import hashes) → course; null when the file is not one.</summary>
    private static Dictionary<byte[], string>? ReadTruth(string path, PupilKeyHasher hasher, DateOnly today)
    {
        using var csv = CsvReader.FromFile(path, new CsvReaderOptions { Separator = ';', HasHeader = true, SkipEmptyLines = true, TrimWhitespace = true });
        var header = csv.Headers.ToList();
        int pnr = header.IndexOf("Personnummer"), course = header.IndexOf("Course");
        if (pnr < 0 || course < 0)
        {
            return null;
        }

        var courses = new Dictionary<byte[], string>(PupilKeyComparer.Instance);
        while (csv.Read())
        {
            if (csv.FieldCount > Math.Max(pnr, course) && Personnummer.TryParse(csv.GetString(pnr), today, out var p, out _))
            {
                courses[hasher.KeyFor(p)] = csv.GetString(course);
            }
        }

        return courses;
    }

    private static string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);

    private static string R(BudgetMetrics m) => $"{(100 * m.RecallLow).ToString("0", CultureInfo.InvariantCulture)}–{(100 * m.RecallHigh).ToString("0", CultureInfo.InvariantCulture)}";

    /// <summary>A recall gap in points with its interval; a difference that rounds to zero is 0.0, not -+0.0.</summary>
    public static string Gap(RecallGap g) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * g.Difference:+0.0;-0.0;0.0} points (95 %: {100 * g.Low:+0.0;-0.0;0.0} to {100 * g.High:+0.0;-0.0;0.0}){(g.WithinNoise ? ", within noise" : "")}");

    private static string A(double? v) => v?.ToString("0.000", CultureInfo.InvariantCulture) ?? "-";

    private static string W(double? v) => v?.ToString("0.0", CultureInfo.InvariantCulture) ?? "-";
}
