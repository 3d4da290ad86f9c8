using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Skolnarvaro.Analysis.Runs;

/// <summary>Every run is recorded with the effective configuration it used and that configuration's hash.</summary>
public sealed class RunStore(NpgsqlDataSource db, TimeProvider time)
{
    public async Task<long> StartAsync(string kind, DateOnly asOf, string configJson, CancellationToken ct = default)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configJson)));
        await using var cmd = db.CreateCommand("""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256)
            values (@kind, @now, @asOf, 'Running', @config, @hash) returning id
            """);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("config", NpgsqlDbType.Jsonb, configJson);
        cmd.Parameters.AddWithValue("hash", hash);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    public async Task FinishAsync(long runId, bool succeeded, string summaryJson, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update run set status = @status, finished_at = @now, summary_json = @summary where id = @id
            """);
        cmd.Parameters.AddWithValue("status", succeeded ? "Succeeded" : "Failed");
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("summary", NpgsqlDbType.Jsonb, summaryJson);
        cmd.Parameters.AddWithValue("id", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
