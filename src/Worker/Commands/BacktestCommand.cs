using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Csv;
using Spectre.Console;
using Skolnarvaro.Analysis;
using Skolnarvaro.Analysis.Backtesting;
using Skolnarvaro.Worker.Runs;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// <c>backtest --config candidate.json</c>: replays history day by day with the candidate thresholds and the current ones
/// and shows, per school and level, whom each would have flagged, how much earlier or later, and the rektors' weekly load.
/// </summary>
public static class BacktestCommand
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config")
        {
            Description = "Candidate thresholds: JSON shaped like appsettings.json ({\"Skolnarvaro\":{\"Thresholds\":{…}}}) or the " +
                          "Thresholds section alone. Keys it leaves out keep their current value.",
            Required = true,
        };
        var from = new Option<DateOnly?>("--from") { Description = "First day to replay (yyyy-MM-dd). Default: the start of the term of --to." };
        var to = new Option<DateOnly?>("--to") { Description = "Last day to replay (yyyy-MM-dd). Default: the last day covered by an imported export." };
        var schools = new Option<string[]>("--school") { Description = "Only this school (skolenhetskod); repeat for more. Default: every school." };
        var csv = new Option<FileInfo?>("--csv") { Description = "Where to write the CSV (';', decimal comma, UTF-8 with BOM, for spreadsheets). Default: out/backtest/backtest-<from>-<to>-<hash>.csv." };
        var nights = new Option<FileInfo?>("--nights")
        {
            Description = "Also write pupils at each level per school and replayed school day (and for all schools) to this CSV: the flags per night.",
        };
        var command = new Command("backtest",
            "Replay history day by day with candidate thresholds and the current ones: pupils flagged per school and level, days earlier or later, flags per week.")
        {
            config, from, to, schools, csv, nights,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            var configuration = host.Get<IConfiguration>();
            var current = host.Get<IOptions<ThresholdOptions>>().Value;
            var path = parse.GetValue(config)!.FullName;
            ThresholdOptions candidate;
            try
            {
                candidate = CandidateThresholds.Load(path, configuration, AnalysisServiceCollectionExtensions.Registry(configuration));
            }
            catch (CandidateConfigurationException e)
            {
                await Console.Error.WriteLineAsync($"Candidate configuration error, nothing was done:{Environment.NewLine}{e.Message}");
                return ExitCodes.BadConfiguration;
            }

            var toDate = parse.GetValue(to) ?? await LastExportDateAsync(host.Get<NpgsqlDataSource>(), ct);
            if (toDate is not { } last)
            {
                await Console.Error.WriteLineAsync("No imported exports yet, so there is no history to replay; give --to, or import first.");
                return ExitCodes.BadConfiguration;
            }

            var first = parse.GetValue(from) ?? Term.Containing(last).Start;
            if (first > last)
            {
                await Console.Error.WriteLineAsync($"--from {first:yyyy-MM-dd} is after --to {last:yyyy-MM-dd}; nothing was done.");
                return ExitCodes.BadConfiguration;
            }

            var only = parse.GetValue(schools) is { Length: > 0 } codes ? codes.ToHashSet(StringComparer.Ordinal) : null;
            var runs = host.Get<RunStore>();
            var currentJson = CandidateThresholds.ToJson(current);
            var candidateJson = CandidateThresholds.ToJson(candidate);
            var currentHash = await runs.HashAsync(currentJson, ct);
            var candidateHash = await runs.HashAsync(candidateJson, ct);
            var runId = await runs.StartAsync("backtest", last, JsonSerializer.Serialize(new
            {
                from = first, to = last, schools = only?.Order().ToArray(), candidateFile = path,
                current = JsonDocument.Parse(currentJson).RootElement, candidate = JsonDocument.Parse(candidateJson).RootElement,
            }), ct);

            PrintHeader(first, last, path, currentHash, candidateHash, CandidateThresholds.Differences(current, candidate));
            BacktestResult result = null!;
            try
            {
                await AnsiConsole.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask("Replaying", maxValue: 1.0);
                        result = await host.Get<Backtester>().RunAsync(current, candidate, first, last, only,
                            new Progress<BacktestProgress>(p =>
                            {
                                task.Description = Markup.Escape(p.School.Length > 0 ? $"Replaying {p.School}" : "Replayed");
                                task.Value = p.Schools == 0 ? 1.0 : (double)p.SchoolsDone / p.Schools;
                            }), ct);
                        task.Value = 1.0;
                    });
            }
            catch (Exception e)
            {
                // Recorded as failed (or cancelled) rather than left running; the error itself goes on up.
                await runs.FinishAsync(runId, false, JsonSerializer.Serialize(new { error = e.Message }), CancellationToken.None);
                throw;
            }

            Print(result);
            foreach (var code in (only ?? []).Where(c => result.Schools.All(r => r.Skolenhetskod != c)).Order(StringComparer.Ordinal))
            {
                AnsiConsole.MarkupLine($"[yellow]--school {Markup.Escape(code)}: no such school, or no school days with facts in the period.[/]");
            }

            var csvPath = parse.GetValue(csv)?.FullName
                ?? Path.Combine(WorkerHost.Home, "out", "backtest", $"backtest-{first:yyyyMMdd}-{last:yyyyMMdd}-{candidateHash[..8]}.csv");
            WriteCsv(csvPath, result);
            AnsiConsole.MarkupLine($"CSV: {Markup.Escape(csvPath)}   (back-test recorded as run #{runId})");
            if (parse.GetValue(nights) is { } nightsFile)
            {
                WriteNightsCsv(nightsFile.FullName, result);
                AnsiConsole.MarkupLine($"Flags per night: {Markup.Escape(nightsFile.FullName)}");
            }

            await runs.FinishAsync(runId, true, JsonSerializer.Serialize(new
            {
                weeks = result.Weeks,
                schools = result.Schools.Select(r => r.Skolenhetskod).Distinct().Count(),
                totals = result.Totals.Select(t => new
                {
                    level = t.Level.ToString(), t.PupilsCurrent, t.PupilsCandidate, t.Both, t.OnlyCurrent, t.OnlyCandidate,
                    t.Earlier, t.Later, t.Same, t.MedianDaysEarlier, t.MedianDaysLater, t.EntriesCurrent, t.EntriesCandidate,
                }),
                csv = csvPath,
            }), ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void PrintHeader(
        DateOnly from, DateOnly to, string path, string currentHash, string candidateHash, IReadOnlyList<(string Key, string Current, string Candidate)> differences)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }

        AnsiConsole.MarkupLine($"[bold]Back-test[/] {from:yyyy-MM-dd} – {to:yyyy-MM-dd}, replayed school day by school day");
        AnsiConsole.MarkupLine($"  current thresholds   sha256 {currentHash[..12]}…");
        AnsiConsole.MarkupLine($"  candidate thresholds sha256 {candidateHash[..12]}… from {Markup.Escape(path)}");
        if (differences.Count == 0)
        {
            AnsiConsole.MarkupLine("  [yellow]The candidate is the same as the current configuration: both columns will agree.[/]");
        }

        foreach (var (key, now, next) in differences)
        {
            AnsiConsole.MarkupLine($"  {Markup.Escape($"{ThresholdOptions.Section}:{key}")}: {Markup.Escape(now)} → [bold]{Markup.Escape(next)}[/]");
        }
    }

    private static void Print(BacktestResult result)
    {
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine("Pupils: reached at least the level. Earlier/later: pupils both flag, by how many school days (median) the candidate " +
                               "was earlier or later. Per week: digest entries at exactly the level (new or escalated), the rektors' load.");
        var table = new Table().Border(TableBorder.Rounded).AddColumns(
            "School", "Level", "Pupils now", "Pupils candidate", "Both", "Only now", "Only candidate",
            "Earlier (median days)", "Later (median days)", "Same day", "Per week now", "Per week candidate");
        foreach (var row in result.Schools.Concat(result.Totals))
        {
            var total = row.Skolenhetskod.Length == 0;
            var name = total ? $"[bold]{Markup.Escape(row.School)}[/]" : Markup.Escape($"{row.School} ({row.Skolenhetskod})");
            table.AddRow(
                name, row.Level == Level.High ? "High" : "At risk",
                row.PupilsCurrent.ToString(Sv), Highlight(row.PupilsCandidate, row.PupilsCurrent),
                row.Both.ToString(Sv), row.OnlyCurrent.ToString(Sv), row.OnlyCandidate.ToString(Sv),
                WithMedian(row.Earlier, row.MedianDaysEarlier), WithMedian(row.Later, row.MedianDaysLater), row.Same.ToString(Sv),
                row.PerWeekCurrent.ToString("0.0", Sv), row.PerWeekCandidate.ToString("0.0", Sv));
        }

        AnsiConsole.Write(table);
    }

    private static string Highlight(int candidate, int current) =>
        candidate == current ? candidate.ToString(Sv) : $"[bold]{candidate.ToString(Sv)}[/]";

    private static string WithMedian(int count, double? median) =>
        count == 0 ? "0" : $"{count.ToString(Sv)} ({median?.ToString("0.#", Sv)})";

    /// <summary>
    /// One row per school and level, then the municipality; Swedish spreadsheet conventions (<see cref="SpreadsheetCsv"/>,
    /// so a school name that starts like a formula is text). Lines end with "\n", as this file always has.
    /// </summary>
    public static void WriteCsv(string path, BacktestResult result)
    {
        using var csv = SpreadsheetCsv.Create(path, newLine: "\n");
        csv.Header(
            "skolenhetskod", "school", "driftsform", "level", "from", "to", "school_days", "weeks",
            "pupils_current", "pupils_candidate", "both", "only_current", "only_candidate",
            "earlier", "median_days_earlier", "later", "median_days_later", "same_day",
            "entries_current", "entries_candidate", "per_week_current", "per_week_candidate");
        foreach (var r in result.Schools.Concat(result.Totals))
        {
            csv.Texts(r.Skolenhetskod, r.School, r.Driftsform, r.Level.ToString(), $"{result.From:yyyy-MM-dd}", $"{result.To:yyyy-MM-dd}")
                .Number(r.SchoolDays).Number(r.Weeks)
                .Number(r.PupilsCurrent).Number(r.PupilsCandidate).Number(r.Both).Number(r.OnlyCurrent).Number(r.OnlyCandidate)
                .Number(r.Earlier).Number(r.MedianDaysEarlier, "0.#").Number(r.Later).Number(r.MedianDaysLater, "0.#")
                .Number(r.Same).Number(r.EntriesCurrent).Number(r.EntriesCandidate)
                .Number(r.PerWeekCurrent, "0.00").Number(r.PerWeekCandidate, "0.00").EndRow();
        }
    }

    /// <summary>
    /// One row per school and replayed school day, then one per day for all schools (term_day: the largest of the
    /// schools'): pupils at exactly hög frånvaro and riskfrånvaro that night under each configuration.
    /// </summary>
    public static void WriteNightsCsv(string path, BacktestResult result)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var names = result.Schools.GroupBy(r => r.Skolenhetskod).ToDictionary(g => g.Key, g => g.First().School, StringComparer.Ordinal);
        using var csv = SpreadsheetCsv.Create(path, newLine: "\n");
        csv.Header("date", "term_day", "skolenhetskod", "school", "high_current", "at_risk_current", "high_candidate", "at_risk_candidate");
        void Row(DateOnly date, int termDay, string code, string school, int high, int atRisk, int highCandidate, int atRiskCandidate) =>
            csv.Texts($"{date:yyyy-MM-dd}").Number(termDay).Texts(code, school)
                .Number(high).Number(atRisk).Number(highCandidate).Number(atRiskCandidate).EndRow();
        foreach (var n in result.Nights.OrderBy(n => n.Skolenhetskod, StringComparer.Ordinal).ThenBy(n => n.Date))
        {
            Row(n.Date, n.TermDay, n.Skolenhetskod, names.GetValueOrDefault(n.Skolenhetskod, ""), n.HighCurrent, n.AtRiskCurrent, n.HighCandidate, n.AtRiskCandidate);
        }

        foreach (var day in result.Nights.GroupBy(n => n.Date).OrderBy(g => g.Key))
        {
            Row(day.Key, day.Max(n => n.TermDay), "", "Alla skolor", day.Sum(n => n.HighCurrent), day.Sum(n => n.AtRiskCurrent),
                day.Sum(n => n.HighCandidate), day.Sum(n => n.AtRiskCandidate));
        }
    }

    private static async Task<DateOnly?> LastExportDateAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select max(period_to) from import_file where status = 'Imported'");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) && !r.IsDBNull(0) ? r.GetFieldValue<DateOnly>(0) : null;
    }
}
