using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// <c>report --term HT2026</c>: the committees' term report — a self-contained HTML file with charts and CSV files with
/// every number in it — per school, driftsform, grade and gender, with small groups suppressed.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var term = new Option<string>("--term")
        {
            Description = "The term: HT (August–December) or VT (January–June) and a year, such as HT2026 or VT2027.",
            Required = true,
        };
        var outFolder = new Option<DirectoryInfo?>("--out") { Description = "Folder to write into. Default: out/reports/<term> (Skolnarvaro:Report:Folder)." };
        var asOf = new Option<DateOnly?>("--as-of")
        {
            Description = "Report the term as it stood on this date (yyyy-MM-dd). Default: today in Europe/Stockholm, or Skolnarvaro:Demo:AsOf in demo mode; " +
                          "a date after the term's end reports the whole term.",
        };
        var minGroup = new Option<int?>("--min-group-size")
        {
            Description = "Hide figures computed from fewer pupils than this. Default: Skolnarvaro:Report:MinGroupSize (5).",
        };
        var command = new Command("report", "Write the term report for the committees: HTML with charts and CSV, per school, driftsform, grade and gender.")
        {
            term, outFolder, asOf, minGroup,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (await ParseAsync(parse.GetValue(term)!, parse.GetValue(minGroup)) is not { } which)
            {
                return ExitCodes.BadConfiguration;
            }

            using var host = await WorkerHost.StartAsync(MinGroupSize(parse.GetValue(minGroup)), ct);
            var date = parse.GetValue(asOf) ?? host.Get<RunDates>().Today;
            if (date < which.Start)
            {
                await Console.Error.WriteLineAsync($"{which.Name} starts {which.Start:yyyy-MM-dd}, after the report date {date:yyyy-MM-dd}; nothing to report yet. Give --as-of.");
                return ExitCodes.BadConfiguration;
            }

            var writer = host.Get<TermReportWriter>();
            var folder = parse.GetValue(outFolder)?.FullName ?? writer.FolderFor(which);
            return await Interruptible.RunAsync(host, ct, $"the {which.Name} report was stopped before it was written; its folder is as it was.", async ct =>
            {
                IReadOnlyList<string> paths = [];
                await AnsiConsole.Status().StartAsync($"Computing the {which.Name} report as of {date:yyyy-MM-dd}…", async _ =>
                    paths = await writer.WriteAsync(which, date, folder, ct));
                Print(which, date, writer.MinGroupSize, paths);
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>The term, or null after saying what is wrong with the term or the group size.</summary>
    private static async Task<Term?> ParseAsync(string term, int? minGroupSize)
    {
        Term which;
        try
        {
            which = Term.Parse(term.Trim());
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"--term: {e.Message}");
            return null;
        }

        if (minGroupSize is < 1)
        {
            await Console.Error.WriteLineAsync($"--min-group-size {minGroupSize}: expected 1 or more pupils.");
            return null;
        }

        return which;
    }

    private static Dictionary<string, string?>? MinGroupSize(int? size) => size is { } s
        ? new Dictionary<string, string?> { [$"{ReportOptions.Section}:MinGroupSize"] = s.ToString(System.Globalization.CultureInfo.InvariantCulture) }
        : null;

    private static void Print(Term term, DateOnly date, int minGroupSize, IReadOnlyList<string> paths)
    {
        AnsiConsole.MarkupLine($"[bold]Term report {term.Name}[/] as of {(date < term.End ? date : term.End):yyyy-MM-dd}, figures from fewer than {minGroupSize} pupils suppressed");
        foreach (var path in paths)
        {
            // Plain, so a long path is never wrapped: scripts take the paths from here.
            Console.WriteLine($"  {path}");
        }
    }
}
