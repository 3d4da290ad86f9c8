using System.CommandLine;
using Microsoft.Extensions.Options;
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
            Term which;
            try
            {
                which = Term.Parse(parse.GetValue(term)!.Trim());
            }
            catch (FormatException e)
            {
                await Console.Error.WriteLineAsync($"--term: {e.Message}");
                return ExitCodes.BadConfiguration;
            }

            if (parse.GetValue(minGroup) is < 1)
            {
                await Console.Error.WriteLineAsync($"--min-group-size {parse.GetValue(minGroup)}: expected 1 or more pupils.");
                return ExitCodes.BadConfiguration;
            }

            var overrides = parse.GetValue(minGroup) is { } size
                ? new Dictionary<string, string?> { [$"{ReportOptions.Section}:MinGroupSize"] = size.ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : null;
            using var host = await WorkerHost.StartAsync(overrides, ct);
            var date = parse.GetValue(asOf) ?? host.Get<RunDates>().Today;
            if (date < which.Start)
            {
                await Console.Error.WriteLineAsync($"{which.Name} starts {which.Start:yyyy-MM-dd}, after the report date {date:yyyy-MM-dd}; nothing to report yet. Give --as-of.");
                return ExitCodes.BadConfiguration;
            }

            var options = host.Get<IOptions<ReportOptions>>().Value;
            var folder = parse.GetValue(outFolder)?.FullName ?? Path.GetFullPath(Path.Combine(options.Folder, which.Name), WorkerHost.Home);
            IReadOnlyList<string> paths = [];
            await AnsiConsole.Status().StartAsync($"Computing the {which.Name} report as of {date:yyyy-MM-dd}…", async _ =>
            {
                paths = await host.Get<TermReportWriter>().WriteAsync(which, date, folder, ct);
            });

            AnsiConsole.MarkupLine($"[bold]Term report {which.Name}[/] as of {(date < which.End ? date : which.End):yyyy-MM-dd}, figures from fewer than {options.MinGroupSize} pupils suppressed");
            foreach (var path in paths)
            {
                // Plain, so a long path is never wrapped: scripts take the paths from here.
                Console.WriteLine($"  {path}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
