using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Worker.Nightly;

public enum SchoolRunStatus { Pending, Importing, Imported, Failed }

/// <summary>What one school's part of a run did, as recorded in <c>run_school</c> and <c>import_file</c>.</summary>
public sealed record SchoolOutcome(
    string Skolenhetskod, string Name, Driftsform Driftsform, SchoolRunStatus Status, int Attempts, string? Worker,
    IReadOnlyList<ImportResult> Imports, int FilesSeen, SchoolDataQuality? Quality, TimeSpan? ImportTime,
    bool Analyzed, TimeSpan? AnalysisTime, int High, int AtRisk, int Trend, int NewOrEscalated, int Reminded, bool DigestQueued,
    string? Error);

/// <summary>The flags and digest a school's analysis recorded in a run.</summary>
public sealed record SchoolAnalysis(int High, int AtRisk, int Trend, int NewOrEscalated, int Reminded, bool DigestQueued);

/// <summary>
/// The table <c>run_school</c>: one row per run and school, so that any job of a run (retried, run twice, on another
/// worker) can see what is already done. Work on one school of one run is serialised by a <see cref="SessionLock"/>.
/// </summary>
public sealed class RunSchoolStore(NpgsqlDataSource db, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>This process, as recorded on the attempts it makes.</summary>
    public static string WorkerName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public static async Task CreateAsync(NpgsqlConnection conn, long runId, IEnumerable<string> schools, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into run_school (run_id, skolenhetskod) select @run, unnest(@schools) on conflict do nothing
            """, conn);
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.Add(new NpgsqlParameter("schools", NpgsqlDbType.Array | NpgsqlDbType.Char) { Value = schools.ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<SchoolRunStatus?> StatusAsync(long runId, string school, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select status from run_school where run_id = @run and skolenhetskod = @school");
        Add(cmd, runId, school);
        return await cmd.ExecuteScalarAsync(ct) is string s ? Enum.Parse<SchoolRunStatus>(s) : null;
    }

    /// <summary>Schools of the run not yet imported (pending, interrupted or failed).</summary>
    public async Task<IReadOnlyList<string>> NotImportedAsync(long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select skolenhetskod from run_school where run_id = @run and status <> 'Imported' order by skolenhetskod");
        cmd.Parameters.AddWithValue("run", runId);
        return await ReadStringsAsync(cmd, ct);
    }

    /// <summary>Schools still pending or being imported: the run fans in when there are none.</summary>
    public async Task<int> UnfinishedAsync(long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select count(*) from run_school where run_id = @run and status in ('Pending', 'Importing')");
        cmd.Parameters.AddWithValue("run", runId);
        return (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Schools imported in the run whose analysis has not been recorded yet.</summary>
    public async Task<IReadOnlyList<string>> ToAnalyzeAsync(long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select skolenhetskod from run_school where run_id = @run and status = 'Imported' and analyzed_at is null order by skolenhetskod");
        cmd.Parameters.AddWithValue("run", runId);
        return await ReadStringsAsync(cmd, ct);
    }

    public async Task StartAttemptAsync(long runId, string school, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update run_school set status = 'Importing', attempts = attempts + 1, worker = @worker,
                started_at = coalesce(started_at, @now), error = null
            where run_id = @run and skolenhetskod = @school
            """);
        Add(cmd, runId, school);
        cmd.Parameters.AddWithValue("worker", WorkerName);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordImportedAsync(
        long runId, string school, IReadOnlyList<ImportResult> imports, SchoolDataQuality quality, TimeSpan took, CancellationToken ct)
    {
        // Files seen before: imported by another run or by hand. Those imported by an interrupted attempt of this run
        // carry its id and are counted as this run's imports.
        var seenIds = imports.Where(i => i.Status == ImportStatus.AlreadyImported && i.ImportFileId is not null)
            .Select(i => i.ImportFileId!.Value).ToArray();
        await using var cmd = db.CreateCommand("""
            update run_school set status = 'Imported', finished_at = @now, import_ms = @ms, quality_json = @quality, error = null,
                files_seen = (select count(*) from import_file where id = any(@seen) and run_id is distinct from @run)
            where run_id = @run and skolenhetskod = @school
            """);
        Add(cmd, runId, school);
        cmd.Parameters.AddWithValue("seen", seenIds);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("ms", (long)took.TotalMilliseconds);
        cmd.Parameters.AddWithValue("quality", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(quality, Json));
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task RecordFailedAsync(long runId, string school, string error, TimeSpan took, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update run_school set status = 'Failed', finished_at = @now, import_ms = @ms, error = @error
            where run_id = @run and skolenhetskod = @school
            """);
        Add(cmd, runId, school);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("ms", (long)took.TotalMilliseconds);
        cmd.Parameters.AddWithValue("error", error);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Locks the school's row in <paramref name="conn"/>'s transaction and returns its data quality when its analysis is
    /// still to be done; null when it is done (by an earlier attempt) or the school is not imported.
    /// </summary>
    public static async Task<SchoolDataQuality?> BeginAnalysisAsync(NpgsqlConnection conn, long runId, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select quality_json::text from run_school
            where run_id = @run and skolenhetskod = @school and status = 'Imported' and analyzed_at is null
            for update
            """, conn);
        Add(cmd, runId, school);
        return await cmd.ExecuteScalarAsync(ct) is string json ? JsonSerializer.Deserialize<SchoolDataQuality>(json, Json) : null;
    }

    public async Task RecordAnalysisAsync(NpgsqlConnection conn, long runId, string school, SchoolAnalysis a, TimeSpan took, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update run_school set analyzed_at = @now, analysis_ms = @ms, error = null, high = @high, at_risk = @atRisk, trend = @trend,
                new_or_escalated = @news, reminded = @reminded, digest_queued = @queued
            where run_id = @run and skolenhetskod = @school
            """, conn);
        Add(cmd, runId, school);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("ms", (long)took.TotalMilliseconds);
        cmd.Parameters.AddWithValue("high", a.High);
        cmd.Parameters.AddWithValue("atRisk", a.AtRisk);
        cmd.Parameters.AddWithValue("trend", a.Trend);
        cmd.Parameters.AddWithValue("news", a.NewOrEscalated);
        cmd.Parameters.AddWithValue("reminded", a.Reminded);
        cmd.Parameters.AddWithValue("queued", a.DigestQueued);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An analysis that failed: the school stays imported and unanalysed, so the next fan-in tries again.</summary>
    public async Task RecordAnalysisFailedAsync(long runId, string school, string error, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("update run_school set error = @error where run_id = @run and skolenhetskod = @school");
        Add(cmd, runId, school);
        cmd.Parameters.AddWithValue("error", "analysis: " + error);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every school of the run with what it did, in registry order of skolenhetskod.</summary>
    public async Task<IReadOnlyList<SchoolOutcome>> ReadAsync(long runId, CancellationToken ct)
    {
        var imports = new Dictionary<string, List<ImportResult>>();
        await using (var cmd = db.CreateCommand("""
            select skolenhetskod, file_name, status, id, rows_read, rows_imported, rows_quarantined, rows_protected, facts_written,
                   facts_replaced, coalesce(message, ''), held_back, lines_total, lines_imported, lines_quarantined, lines_protected,
                   lines_blank, lines_header
            from import_file where run_id = @run order by id
            """))
        {
            cmd.Parameters.AddWithValue("run", runId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var school = r.GetString(0);
                if (!imports.TryGetValue(school, out var list))
                {
                    imports[school] = list = [];
                }

                list.Add(new ImportResult(r.GetString(1), Enum.Parse<ImportStatus>(r.GetString(2)), r.GetInt64(3), r.GetInt32(4),
                    r.GetInt32(5), r.GetInt32(6), r.GetInt32(7), r.GetInt32(8), r.GetInt32(9), r.GetString(10))
                {
                    HeldBack = r.GetBoolean(11),
                    Lines = r.IsDBNull(12) ? null : new() { Total = r.GetInt32(12), Imported = r.GetInt32(13), Quarantined = r.GetInt32(14),
                        Protected = r.GetInt32(15), Blank = r.GetInt32(16), Header = r.GetInt32(17) },
                });
            }
        }

        var outcomes = new List<SchoolOutcome>();
        await using (var cmd = db.CreateCommand("""
            select rs.skolenhetskod, s.name, s.driftsform, rs.status, rs.attempts, rs.worker, rs.files_seen, rs.quality_json::text,
                   rs.import_ms, rs.analyzed_at is not null, rs.analysis_ms, coalesce(rs.high, 0), coalesce(rs.at_risk, 0),
                   coalesce(rs.trend, 0), coalesce(rs.new_or_escalated, 0), coalesce(rs.reminded, 0), coalesce(rs.digest_queued, false),
                   rs.error
            from run_school rs join school s using (skolenhetskod)
            where rs.run_id = @run order by rs.skolenhetskod
            """))
        {
            cmd.Parameters.AddWithValue("run", runId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var code = r.GetString(0);
                outcomes.Add(new SchoolOutcome(
                    code, r.GetString(1), Enum.Parse<Driftsform>(r.GetString(2)), Enum.Parse<SchoolRunStatus>(r.GetString(3)),
                    r.GetInt32(4), r.IsDBNull(5) ? null : r.GetString(5), imports.GetValueOrDefault(code) ?? [], r.GetInt32(6),
                    r.IsDBNull(7) ? null : JsonSerializer.Deserialize<SchoolDataQuality>(r.GetString(7), Json),
                    r.IsDBNull(8) ? null : TimeSpan.FromMilliseconds(r.GetInt64(8)), r.GetBoolean(9),
                    r.IsDBNull(10) ? null : TimeSpan.FromMilliseconds(r.GetInt64(10)),
                    r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt32(14), r.GetInt32(15), r.GetBoolean(16),
                    r.IsDBNull(17) ? null : r.GetString(17)));
            }
        }

        return outcomes;
    }

    private static void Add(NpgsqlCommand cmd, long runId, string school)
    {
        cmd.Parameters.AddWithValue("run", runId);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
    }

    private static async Task<IReadOnlyList<string>> ReadStringsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        var list = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            list.Add(r.GetString(0));
        }

        return list;
    }
}

/// <summary>
/// A PostgreSQL session advisory lock on a connection of its own. It is released when disposed, or by the server when the
/// connection (or its process) dies, so a killed worker never leaves work locked. Released explicitly on dispose: a
/// pooled connection would otherwise keep holding it while idle in the pool.
/// </summary>
public sealed class SessionLock : IAsyncDisposable
{
    private readonly NpgsqlConnection conn;
    private readonly string key;

    private SessionLock(NpgsqlConnection conn, string key)
    {
        this.conn = conn;
        this.key = key;
    }

    /// <summary>Takes the lock without waiting; null when another live session holds it.</summary>
    public static async Task<SessionLock?> TryTakeAsync(NpgsqlDataSource db, string key, CancellationToken ct = default)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            if (await ExecuteAsync<bool>(conn, "select pg_try_advisory_lock(hashtextextended(@key, 0))", key, ct))
            {
                return new SessionLock(conn, key);
            }
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }

        await conn.DisposeAsync();
        return null;
    }

    /// <summary>Waits for the lock.</summary>
    public static async Task<SessionLock> TakeAsync(NpgsqlDataSource db, string key, CancellationToken ct = default)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            await ExecuteAsync<object>(conn, "select pg_advisory_lock(hashtextextended(@key, 0))::text", key, ct);
            return new SessionLock(conn, key);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync<bool>(conn, "select pg_advisory_unlock(hashtextextended(@key, 0))", key, CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is gone, and the lock with it.
        }

        await conn.DisposeAsync();
    }

    private static async Task<T> ExecuteAsync<T>(NpgsqlConnection conn, string sql, string key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("key", key);
        return (T)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
