using System.CommandLine;
using Spectre.Console;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Schools;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Commands;

public static class RunOnceCommand
{
    public static Command Create()
    {
        var asOf = new Option<DateOnly?>("--as-of") { Description = "Run as if on this date (yyyy-MM-dd). Default: today in Europe/Stockholm, or Skolnarvaro:Demo:AsOf in demo mode." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Write digests as .eml files instead of sending them, even when SMTP is configured." };
        var sendNow = new Option<bool>("--send-now")
        {
            Description = "Compose every school's digest now and send it at once, whatever its schedule (always so in demo mode).",
        };
        var command = new Command("run-once", "Run the nightly job once, now, without a Hangfire server: import every inbox, flag, write and send digests.")
        {
            asOf, dryRun, sendNow,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            using var stopping = host.StopOrCancel(ct);
            ct = stopping.Token;
            var date = parse.GetValue(asOf) ?? host.Get<RunDates>().Today;
            if (await host.Get<DemoTrendModel>().EnsureAsync(ct) is { } demoModel)
            {
                AnsiConsole.MarkupLine($"[grey]{Markup.Escape(demoModel)}[/]");
            }

            NightlyRunSummary summary;
            // On a terminal a long import shows its rows and MB/s on a line of its own; a log gets the steps only.
            var terminal = Console.IsOutputRedirected ? null : new TerminalProgress(Console.Out, host.Get<TimeProvider>());
            try
            {
                summary = await host.Get<NightlyRun>().RunAsync(date, parse.GetValue(dryRun),
                    terminal ?? (IProgress<string>)new Progress<string>(line => AnsiConsole.MarkupLine($"[grey]{Markup.Escape(line)}[/]")), ct,
                    sendNow: parse.GetValue(sendNow) || host.Get<RunDates>().Demo, importProgress: terminal);
            }
            catch (RunInProgressException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.Failed;
            }
            catch (RunInterruptedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return ExitCodes.Interrupted;
            }
            finally
            {
                terminal?.Clear();
            }

            Print(summary, host.Get<RunDates>().Demo, await host.Get<OutboxStore>().GroupMailsAsync(summary.RunId, CancellationToken.None));
            // A run whose mails did not reach the SMTP server is not a success a script may trust, though the outbox retries them.
            return summary.Succeeded && summary.Delivery.Failed == 0 && summary.Delivery.GaveUp == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <param name="groupMails">The mails the run recorded for the mentors and elevhälsan, beside the rektorer's digests.</param>
    internal static void Print(NightlyRunSummary s, bool demo, IReadOnlyDictionary<RecipientGroup, int>? groupMails = null)
    {
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine($"[bold]Nightly run #{s.RunId}[/] as of {s.AsOf:yyyy-MM-dd}{(demo ? " [yellow](demo mode: sample data, demo pseudonymisation key)[/]" : "")}");
        if (Console.IsOutputRedirected)
        {
            // Logs and CI capture are wider than the 80 columns Spectre assumes without a terminal.
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("School", "Files new/seen/rejected", "Rows", "Quarantined", "Protected", "High", "At risk", "Trend", "Told new/reminded", "Data quality", "Digest");
        foreach (var o in s.Schools)
        {
            var imported = o.Imports.Count(i => i.Status == ImportStatus.Imported);
            var seen = o.FilesSeen;
            var rejected = o.Imports.Count(i => i.Status == ImportStatus.Rejected);
            var dq = o.Error is not null ? $"[red]{(o.Status == SchoolRunStatus.Failed ? "failed" : o.Analyzed ? "flags recorded" : "not analysed")}: {Markup.Escape(o.Error)}[/]"
                : o.Quality is null ? ""
                : string.Join(", ", new[]
                {
                    o.Quality.IsStale ? $"[yellow]stale: last export {o.Quality.LastExportDate:yyyy-MM-dd}[/]" : null,
                    o.Quality.ReportingRate is { } r ? $"reported {r:P0}" : null,
                }.Where(x => x is not null));
            table.AddRow(
                Markup.Escape($"{o.Name} ({o.Skolenhetskod}{(o.Driftsform == Schools.Driftsform.Independent ? ", fristående" : "")})"),
                $"{imported}/{seen}/{(rejected > 0 ? $"[red]{rejected}[/]" : "0")}",
                o.Imports.Sum(i => i.RowsImported).ToString("N0"), o.Imports.Sum(i => i.RowsQuarantined).ToString("N0"),
                o.Imports.Sum(i => i.RowsProtected).ToString("N0"),
                o.High.ToString(), o.AtRisk.ToString(), o.Trend.ToString(), $"{o.NewOrEscalated}/{o.Reminded}", dq, o.DigestQueued ? "queued" : o.NextDigest is { } next ? $"next {next:yyyy-MM-dd} ({o.Waiting} waiting)" : "-");
        }

        AnsiConsole.Write(table);
        foreach (var refused in s.Schools.SelectMany(o => o.Imports).Where(i => i.Status == ImportStatus.Rejected))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(refused.Message)}[/]");
        }

        // The line accounting of this run's files: every physical line is one of these, or the file was rejected.
        var lines = s.Schools.SelectMany(o => o.Imports).Select(i => i.Lines).OfType<Ingestion.Parsing.LineAccount>().ToList();
        if (lines.Count > 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape(
                $"Lines read: {lines.Sum(l => l.Total):N0} = {lines.Sum(l => l.Imported):N0} imported + {lines.Sum(l => l.Quarantined):N0} quarantined + " +
                $"{lines.Sum(l => l.Protected):N0} protected identity + {lines.Sum(l => l.Blank):N0} blank + {lines.Sum(l => l.Header):N0} header"));
        }

        AnsiConsole.MarkupLine(
            $"{s.Schools.Count} schools · {s.FilesImported} files imported ({s.FilesRejected} rejected) · {s.RowsImported:N0} rows · " +
            $"{s.RowsQuarantined:N0} quarantined · flagged: [red]{s.High} high[/], [yellow]{s.AtRisk} at risk[/], {s.Trend} trend ({Markup.Escape(s.TrendModel)}) · " +
            $"{s.Digests} digests queued{GroupPart(groupMails)}, {s.Delivery.Sent} mails delivered to {Markup.Escape(s.Transport)}" +
            (s.Delivery.Failed > 0 ? $", [red]{s.Delivery.Failed} failed (kept in the outbox, retried later)[/]" : "") +
            (s.Delivery.GaveUp > 0 ? $", [red]{s.Delivery.GaveUp} given up after too many attempts (see the outbox)[/]" : ""));
    }

    /// <summary>" (and 111 to mentors, 6 to elevhälsan)", or nothing when no group was written to.</summary>
    private static string GroupPart(IReadOnlyDictionary<RecipientGroup, int>? groupMails)
    {
        var parts = new[] { (RecipientGroup.Mentor, "mentors"), (RecipientGroup.Elevhalsan, "elevhälsan"), (RecipientGroup.Skolnarvaroteam, "the skolnärvaroteam") }
            .Where(g => groupMails?.GetValueOrDefault(g.Item1) > 0)
            .Select(g => $"{groupMails![g.Item1]} to {g.Item2}")
            .ToList();
        return parts.Count == 0 ? "" : $" (and {string.Join(", ", parts)})";
    }
}
