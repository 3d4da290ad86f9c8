using System.Globalization;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Analysis.Thresholds;
using Spectre.Console;

namespace Skolnarvaro.Worker.Commands;

/// <summary>The back-test on the command line: the two configurations and how they differ, a progress bar, the table, the files.</summary>
internal static class BacktestPrint
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>The table, the schools asked for that had nothing to replay, and where the CSV files and the run record are.</summary>
    public static void Print(BacktestOutcome outcome, IReadOnlySet<string>? only)
    {
        PrintTable(outcome.Result);
        foreach (var code in (only ?? new HashSet<string>()).Where(c => outcome.Result.Schools.All(r => r.Skolenhetskod != c)).Order(StringComparer.Ordinal))
        {
            AnsiConsole.MarkupLine($"[yellow]--school {Markup.Escape(code)}: no such school, or no school days with facts in the period.[/]");
        }

        AnsiConsole.MarkupLine($"CSV: {Markup.Escape(outcome.CsvFile)}   (back-test recorded as run #{outcome.RunId})");
        if (outcome.NightsFile is { } nightsFile)
        {
            AnsiConsole.MarkupLine($"Flags per night: {Markup.Escape(nightsFile)}");
        }
    }

    public static async Task<BacktestOutcome> WithProgressAsync(Func<IProgress<BacktestProgress>, Task<BacktestOutcome>> replay)
    {
        BacktestOutcome outcome = null!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("Replaying", maxValue: 1.0);
                outcome = await replay(new Progress<BacktestProgress>(p =>
                {
                    task.Description = Markup.Escape(p.School.Length > 0 ? $"Replaying {p.School}" : "Replayed");
                    task.Value = p.Schools == 0 ? 1.0 : (double)p.SchoolsDone / p.Schools;
                }));
                task.Value = 1.0;
            });
        return outcome;
    }

    public static void PrintHeader(BacktestPlan plan)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }

        AnsiConsole.MarkupLine($"[bold]Back-test[/] {plan.From:yyyy-MM-dd} – {plan.To:yyyy-MM-dd}, replayed school day by school day");
        AnsiConsole.MarkupLine($"  current thresholds   sha256 {plan.CurrentHash[..12]}…");
        AnsiConsole.MarkupLine($"  candidate thresholds sha256 {plan.CandidateHash[..12]}… from {Markup.Escape(plan.Request.CandidateFile)}");
        var differences = plan.Differences;
        if (differences.Count == 0)
        {
            AnsiConsole.MarkupLine("  [yellow]The candidate is the same as the current configuration: both columns will agree.[/]");
        }

        foreach (var (key, now, next) in differences)
        {
            AnsiConsole.MarkupLine($"  {Markup.Escape($"{ThresholdOptions.Section}:{key}")}: {Markup.Escape(now)} → [bold]{Markup.Escape(next)}[/]");
        }
    }

    private static void PrintTable(BacktestResult result)
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
}
