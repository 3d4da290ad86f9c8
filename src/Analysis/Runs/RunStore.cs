using Npgsql;
using NpgsqlTypes;

namespace Skolnarvaro.Analysis.Runs;

/// <summary>
/// Every run is recorded with the effective configuration it used and that configuration's hash. The hash is SHA-256 of
/// the stored jsonb's text, which PostgreSQL writes in one canonical form: the same configuration always has the same hash
/// whatever the order of its keys, and anyone can check a run with
/// <c>select config_sha256 = encode(sha256(convert_to(config_json::text, 'UTF8')), 'hex') from run</c>.
/// </summary>
public sealed class RunStore(NpgsqlDataSource db, TimeProvider time)
{
    private const string CanonicalHash = "encode(sha256(convert_to(@config::jsonb::text, 'UTF8')), 'hex')";

    public async Task<long> StartAsync(string kind, DateOnly asOf, string configJson, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await StartAsync(conn, kind, asOf, configJson, null, false, ct);
    }

    /// <summary>Records a run on <paramref name="conn"/> (and its transaction, if any).</summary>
    /// <param name="triggerKey">What started it (a Hangfire job id, the command line); unique, so a retried trigger finds its run.</param>
    public async Task<long> StartAsync(
        NpgsqlConnection conn, string kind, DateOnly asOf, string configJson, string? triggerKey, bool dryRun, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand($"""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256, trigger_key, dry_run)
            values (@kind, @now, @asOf, 'Running', @config::jsonb, {CanonicalHash}, @trigger, @dryRun) returning id
            """, conn);
        cmd.Parameters.AddWithValue("trigger", (object?)triggerKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("dryRun", dryRun);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("config", NpgsqlDbType.Jsonb, configJson);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public Task FinishAsync(long runId, bool succeeded, string summaryJson, CancellationToken ct = default) =>
        FinishAsync(runId, succeeded ? "Succeeded" : "Failed", summaryJson, ct);

    /// <param name="status">Succeeded, Failed or Abandoned.</param>
    public async Task FinishAsync(long runId, string status, string summaryJson, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update run set status = @status, finished_at = @now, summary_json = @summary where id = @id
            """);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("summary", NpgsqlDbType.Jsonb, summaryJson);
        cmd.Parameters.AddWithValue("id", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The hash a run with this configuration records, without recording one (the back-test shows it for a candidate).</summary>
    public async Task<string> HashAsync(string configJson, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand($"select {CanonicalHash}");
        cmd.Parameters.AddWithValue("config", NpgsqlDbType.Jsonb, configJson);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>A run's recorded configuration and hash.</summary>
    public async Task<(string ConfigJson, string Sha256)> ConfigurationAsync(long runId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select config_json::text, config_sha256 from run where id = @id");
        cmd.Parameters.AddWithValue("id", runId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            throw new InvalidOperationException($"No run with id {runId}.");
        }

        return (r.GetString(0), r.GetString(1));
    }
}
