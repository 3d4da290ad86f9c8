using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Composition;

/// <summary>What <c>skolnarvaro check</c> found: the night as it would run, and each go-live problem in one line.</summary>
public sealed record CheckResult(NightlyRunSummary? Night, string DigestFolder, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes)
{
    public bool Ready => Problems.Count == 0;
}

/// <summary>
/// The go-live check: the production configuration (validated at start), then the whole nightly job on the real registry
/// and inboxes in a scratch database that is dropped afterwards — imports, flags and digests written as .eml files, nothing
/// sent and nothing left in the production database — then a login at the SMTP server that sends nothing.
/// </summary>
public sealed class ProductionCheck(IHost host)
{
    public async Task<CheckResult> RunAsync(DateOnly? asOf, string? scratchDatabase, CancellationToken ct)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        var dates = host.Get<RunDates>();
        if (dates.Demo)
        {
            problems.Add("Skolnarvaro:Demo:Enabled is true: demo mode uses the public demo keys (for pupils and for the page's links) and the sample's date. Set it to false.");
        }

        var folder = Path.Combine(WorkerHost.Home, "out", "check", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture));
        var production = host.Get<IConfiguration>().GetConnectionString(WorkerHost.ConnectionStringName)!;
        var (scratch, drop) = scratchDatabase is not null ? (scratchDatabase, (Func<Task>)(() => Task.CompletedTask)) : await CreateScratchAsync(production, ct);
        NightlyRunSummary? night;
        try
        {
            using var dryRun = await WorkerHost.StartAsync(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{WorkerHost.ConnectionStringName}"] = scratch,
                ["Skolnarvaro:Notifications:DryRunFolder"] = folder,
            }, ct);
            night = await dryRun.Get<NightlyRun>().RunAsync(asOf ?? dates.Today, dryRun: true, ct: ct, sendNow: true);
        }
        finally
        {
            await drop();
        }

        problems.AddRange(night.Schools.Where(s => s.Error is not null).Select(s => $"{s.Name} ({s.Skolenhetskod}): {s.Error}"));
        problems.AddRange(night.Schools.SelectMany(s => s.Imports).Where(i => i.Status == Ingestion.Import.ImportStatus.Rejected).Select(i => i.Message));
        notes.AddRange(night.Schools.Where(s => s.Quality is { IsStale: true }).Select(s =>
            $"{s.Name} ({s.Skolenhetskod}): no export for {s.Quality!.SchoolDaysSinceLastExport} school days (last {s.Quality.LastExportDate:yyyy-MM-dd})."));
        await ProbeSmtpAsync(problems, notes, ct);
        return new CheckResult(night, folder, problems, notes);
    }

    private async Task ProbeSmtpAsync(List<string> problems, List<string> notes, CancellationToken ct)
    {
        var smtp = host.Get<IOptions<NotificationOptions>>().Value.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            problems.Add("Skolnarvaro:Notifications:Smtp:Host is empty: digests would only be written as .eml files.");
            return;
        }

        await using var transport = new SmtpTransport(smtp);
        try
        {
            await transport.ProbeAsync(ct);
            notes.Add($"{transport.Describe()}: connected and logged in; nothing sent.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var hint = smtp.Security == SmtpSecurity.StartTls && e is NotSupportedException or MailKit.Security.SslHandshakeException
                ? " With Security StartTls (the default) a relay without TLS is refused: set Skolnarvaro:Notifications:Smtp:Security to None only for a relay on a trusted network."
                : "";
            problems.Add($"{transport.Describe()}: {e.GetType().Name}: {e.Message}{hint}");
        }
    }

    /// <summary>A database of its own on the production server, dropped afterwards, so the check leaves nothing behind.</summary>
    private static async Task<(string ConnectionString, Func<Task> Drop)> CreateScratchAsync(string production, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(production);
        var name = $"{builder.Database}_check_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await using (var conn = new NpgsqlConnection(production))
        {
            await conn.OpenAsync(ct);
            try
            {
                await using var create = new NpgsqlCommand($"create database \"{name}\"", conn);
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege)
            {
                throw new InvalidOperationException(
                    $"The login of ConnectionStrings:Skolnarvaro may not create the check's scratch database ({e.MessageText}). " +
                    "Create an empty database for it and pass its connection string with --database.", e);
            }
        }

        var scratch = new NpgsqlConnectionStringBuilder(production) { Database = name, Pooling = false }.ConnectionString;
        return (scratch, async () =>
        {
            await using var conn = new NpgsqlConnection(production);
            await conn.OpenAsync(CancellationToken.None);
            await using var dropCmd = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", conn);
            await dropCmd.ExecuteNonQueryAsync(CancellationToken.None);
        });
    }
}
