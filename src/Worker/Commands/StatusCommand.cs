using System.CommandLine;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Spectre.Console;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;
using Skolnarvaro.Worker.Orchestration;

namespace Skolnarvaro.Worker.Commands;

/// <summary><c>skolnarvaro status</c>: the last runs, one run school by school, and what is pending.</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var last = new Option<int>("--last") { Description = "How many recent runs to list.", DefaultValueFactory = _ => 10 };
        var run = new Option<long?>("--run") { Description = "Show this run school by school (default: the latest nightly run)." };
        var command = new Command("status", "Show the last runs, the latest nightly run school by school, and what is pending (jobs, workers, mails).")
        {
            last, run,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await WorkerHost.StartAsync(ct: ct);
            if (parse.GetValue(run) is { } asked && await NoSuchRunAsync(host.Get<RunStore>(), asked, ct) is { } message)
            {
                await Console.Error.WriteLineAsync(message);
                return ExitCodes.BadConfiguration;
            }

            WidenForLogs();
            await PrintRunsAsync(host, parse.GetValue(last), ct);
            if ((parse.GetValue(run) ?? await host.Get<RunStore>().LatestNightlyAsync(ct)) is { } runId)
            {
                await PrintRunAsync(host, runId, ct);
            }

            await PrintPendingAsync(host, ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Null when the run exists; else one line saying which runs there are.</summary>
    private static async Task<string?> NoSuchRunAsync(RunStore runs, long runId, CancellationToken ct)
    {
        if (await runs.ExistsAsync(runId, ct))
        {
            return null;
        }

        return await runs.IdRangeAsync(ct) switch
        {
            null => $"--run {runId}: no such run; nothing has run yet on this database.",
            var (first, last) when first == last => $"--run {runId}: no such run; the only run recorded is #{first}.",
            var (first, last) => $"--run {runId}: no such run; the runs recorded are #{first} to #{last} (skolnarvaro status lists the latest).",
        };
    }

    private static void WidenForLogs()
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }
    }

    private static async Task PrintRunsAsync(IHost host, int count, CancellationToken ct)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Last runs")
            .AddColumns("Run", "Kind", "As of", "Started (UTC)", "Took", "Status", "Schools ok/failed", "High", "At risk", "Trend", "Digests");
        foreach (var r in await host.Get<RunStore>().RecentAsync(count, ct))
        {
            table.AddRow(
                $"#{r.Id}", r.Kind, r.AsOf.ToString("yyyy-MM-dd"), r.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss"),
                r.FinishedAt is { } f ? Duration(f - r.StartedAt) : "", Colour(r.Status),
                r.Schools == 0 ? "" : $"{r.SchoolsOk}/{r.SchoolsFailed} of {r.Schools}",
                r.High?.ToString() ?? "", r.AtRisk?.ToString() ?? "", r.Trend?.ToString() ?? "", r.Schools == 0 ? "" : r.Digests.ToString());
        }

        AnsiConsole.Write(table);
    }

    /// <summary>One run school by school: status, attempts, worker, durations, files, flags, digest, error.</summary>
    public static async Task PrintRunAsync(IHost host, long runId, CancellationToken ct)
    {
        WidenForLogs();
        var outcomes = await host.Get<RunStore>().ReadAsync(runId, ct);
        var table = new Table().Border(TableBorder.Rounded).Title($"Run #{runId} school by school")
            .AddColumns("School", "Status", "Attempts", "Worker", "Import", "Analysis", "Files new/seen/rejected", "Rows", "High", "At risk", "Trend", "Digest", "Next digest", "Error");
        foreach (var o in outcomes)
        {
            table.AddRow(
                Markup.Escape($"{o.Name} ({o.Skolenhetskod})"),
                Colour(o.State),
                o.Attempts.ToString(), Markup.Escape(o.Worker ?? ""),
                o.ImportTime is { } i ? Duration(i) : "", o.AnalysisTime is { } a ? Duration(a) : "",
                $"{o.Imports.Count(x => x.Status == Ingestion.Import.ImportStatus.Imported)}/{o.FilesSeen}/{o.Imports.Count(x => x.Status == Ingestion.Import.ImportStatus.Rejected)}",
                o.Imports.Sum(x => x.RowsImported).ToString("N0"),
                o.Analyzed ? o.High.ToString() : "", o.Analyzed ? o.AtRisk.ToString() : "", o.Analyzed ? o.Trend.ToString() : "",
                o.DigestQueued ? "queued" : "-", o.NextDigest is { } next ? $"{next:yyyy-MM-dd} ({o.Waiting} waiting)" : "", Markup.Escape(o.Error ?? ""));
        }

        AnsiConsole.Write(table);
        foreach (var roster in await host.Get<Ingestion.Roster.RosterRejections>().InRunAsync(runId, ct))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"Roster of {roster.Skolenhetskod} rejected, the mentors in force stay: {roster.Message}"));
        }

        var mails = await host.Get<OutboxStore>().ForRunAsync(runId, ct);
        if (mails.Count > 0)
        {
            var sent = new Table().Border(TableBorder.Rounded).Title($"Run #{runId} mails")
                .AddColumns("Mail", "School", "Recipients", "State", "Attempts", "When (UTC)", "Last error");
            foreach (var m in mails)
            {
                sent.AddRow(Markup.Escape(m.IdempotencyKey), m.Skolenhetskod ?? "(analysts)", m.Recipients.ToString(),
                    m.State switch
                    {
                        DeliveryState.Sent => "[green]sent[/]",
                        DeliveryState.WrittenToFile => "written as .eml (dry run)",
                        DeliveryState.GivenUp => "[red]given up[/]",
                        DeliveryState.Held => "held for its send time",
                        DeliveryState.Retrying => "[yellow]waiting to retry[/]",
                        _ => "due",
                    },
                    m.Attempts.ToString(),
                    (m.SentAt ?? m.NextAttemptAt).UtcDateTime.ToString("yyyy-MM-dd HH:mm"), Markup.Escape(m.LastError ?? ""));
            }

            AnsiConsole.Write(sent);
        }
    }

    private static async Task PrintPendingAsync(IHost host, CancellationToken ct)
    {
        var pending = await host.Get<OutboxStore>().PendingAsync(ct);
        AnsiConsole.MarkupLine($"Mails: {pending.Due} due, {pending.Held} held for their send time{Next(pending.NextSend)}, " +
                               $"{pending.Retrying} waiting to retry{Next(pending.NextRetry)}, " +
                               (pending.GivenUp > 0 ? $"[red]{pending.GivenUp} given up[/]" : "0 given up"));

        var storage = HangfireSetup.Storage(host.Get<IConfiguration>().GetConnectionString(WorkerHost.ConnectionStringName)!,
            host.Get<IOptions<OrchestrationOptions>>().Value);
        var monitoring = storage.GetMonitoringApi();
        var stats = monitoring.GetStatistics();
        AnsiConsole.MarkupLine($"Jobs: {stats.Enqueued} enqueued, {stats.Processing} processing, {stats.Scheduled} scheduled (retries), " +
                               (stats.Failed > 0 ? $"[red]{stats.Failed} failed[/]" : "0 failed") + $"; workers: {stats.Servers} running");
        foreach (var server in monitoring.Servers())
        {
            AnsiConsole.MarkupLine($"  worker {Markup.Escape(server.Name)}: {server.WorkersCount} job slots, heartbeat {server.Heartbeat:yyyy-MM-dd HH:mm:ss} UTC");
        }

        using var connection = storage.GetConnection();
        foreach (var job in connection.GetRecurringJobs())
        {
            AnsiConsole.MarkupLine($"  recurring {Markup.Escape(job.Id)} '{Markup.Escape(job.Cron)}' ({Markup.Escape(job.TimeZoneId ?? "UTC")}): " +
                                   $"next {job.NextExecution:yyyy-MM-dd HH:mm} UTC, last {(job.LastExecution is { } l ? $"{l:yyyy-MM-dd HH:mm} UTC ({job.LastJobState})" : "never")}");
        }
    }

    /// <summary>Polls until the run is no longer Running; returns its status.</summary>
    public static async Task<string> WaitForRunAsync(IHost host, long runId, CancellationToken ct)
    {
        var runs = host.Get<RunStore>();
        while (true)
        {
            if ((await runs.ReadRunAsync(runId, ct)).Status is var status and not "Running")
            {
                return status;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    private static string Colour(string status) => status switch
    {
        "Succeeded" or "Analysed" => $"[green]{status}[/]",
        "Failed" or "Abandoned" or "Analysis failed" or "Analysed, digest failed" => $"[red]{status}[/]",
        _ => $"[yellow]{Markup.Escape(status)}[/]",
    };

    private static string Next(DateTimeOffset? at) => at is { } t ? $" (next {t.UtcDateTime:yyyy-MM-dd HH:mm} UTC)" : "";

    private static string Duration(TimeSpan t) => t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.0} s" : $"{(int)t.TotalMinutes} min {t.Seconds} s";

}
