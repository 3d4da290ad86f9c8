using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Schools;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Runs;

/// <summary>
/// Every run's bookkeeping, in one place: the table <c>run</c> (every run, nightly or back-test, with the effective
/// configuration it used and that configuration's hash) and <c>run_school</c> (one row per nightly run and school, so that
/// any job of a run — retried, run twice, on another worker — can see what is already done).
/// The hash is SHA-256 of the stored jsonb's text, which PostgreSQL writes in one canonical form: the same configuration
/// always has the same hash whatever the order of its keys, and anyone can check a run with
/// <c>select config_sha256 = encode(sha256(convert_to(config_json::text, 'UTF8')), 'hex') from run</c>.
/// </summary>
public sealed class RunStore(
    NpgsqlDataSource db, TimeProvider time, IOptions<OrchestrationOptions> orchestration, RunConfiguration configuration, ILogger<RunStore> logger)
    : Insights.IDeskRuns
{
    private const string CanonicalHash = "encode(sha256(convert_to(@config::jsonb::text, 'UTF8')), 'hex')";

    private const string QualityColumns =
        "last_export_date, last_import_at, coalesce(school_days_since_export, 0), stale, reporting_rate, coalesce(rejected_files_30_days, 0)";

    /// <summary>Records a run that is not a nightly run (a back-test) with its configuration.</summary>
    public async Task<long> StartAsync(string kind, DateOnly asOf, string configJson, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await InsertRunAsync(conn, kind, asOf, configJson, null, false, ct);
    }

    /// <summary>Finishes a run that is not a nightly run, with a free-form summary for people to read.</summary>
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

    /// <summary>
    /// Records a nightly run and its schools. The same <paramref name="triggerKey"/> (a retried Hangfire job) returns the run
    /// it recorded before. Throws <see cref="RunInProgressException"/> while another nightly run is in progress; a run whose
    /// command-line process is gone, or that has run longer than <c>Worker:AbandonRunAfter</c>, is marked Abandoned.
    /// </summary>
    public async Task<long> BeginNightlyAsync(
        DateOnly asOf, bool dryRun, bool sendNow, string triggerKey, IReadOnlyList<string> schools, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('nightly-begin', 0))", conn))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var open = new List<(long Id, string? Trigger, DateTimeOffset Started)>();
        await using (var cmd = new NpgsqlCommand(
            "select id, trigger_key, started_at from run where kind = 'nightly' and (status = 'Running' or trigger_key = @key) order by id", conn))
        {
            cmd.Parameters.AddWithValue("key", triggerKey);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                open.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        if (open.FirstOrDefault(o => o.Trigger == triggerKey) is { Id: > 0 } same)
        {
            await tx.CommitAsync(ct);
            return same.Id;
        }

        foreach (var (id, trigger, started) in open)
        {
            var ownerGone = trigger?.StartsWith("cli:", StringComparison.Ordinal) == true && await OwnerGoneAsync(id, ct);
            if (!ownerGone && time.GetUtcNow() - started < orchestration.Value.AbandonRunAfter)
            {
                throw new RunInProgressException(id, started);
            }

            logger.LogWarning("Nightly run {RunId} started {Started:yyyy-MM-dd HH:mm:ss zzz} never finished; marked Abandoned", id, started);
            await using var cmd = new NpgsqlCommand("update run set status = 'Abandoned', finished_at = @now where id = @id", conn);
            cmd.Parameters.AddWithValue("now", time.GetUtcNow());
            cmd.Parameters.AddWithValue("id", id);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var runId = await InsertRunAsync(conn, "nightly", asOf, configuration.ToJson(), triggerKey, dryRun, ct, sendNow);
        await CreateSchoolsAsync(conn, runId, schools, ct);
        await tx.CommitAsync(ct);
        return runId;
    }

    /// <summary>
    /// Takes the lock that says a command-line run's process is alive; held for as long as the run goes on in this process.
    /// A killed <c>run-once</c> loses it with its connection, and the next run abandons its run instead of waiting.
    /// </summary>
    public Task<SessionLock> TakeOwnershipAsync(long runId, CancellationToken ct = default) => SessionLock.TakeAsync(db, OwnerLock(runId), ct);

    /// <summary>Records how a nightly run ended: its status, whether the trend model scored, and what delivery did.</summary>
    public async Task FinishNightlyAsync(long runId, string status, string trendModel, int sent, int failed, int gaveUp, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update run set status = @status, finished_at = @now, trend_model = @model, digests_sent = @sent, digests_failed = @failed,
                digests_given_up = @gaveUp
            where id = @id
            """);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("model", trendModel);
        cmd.Parameters.AddWithValue("sent", sent);
        cmd.Parameters.AddWithValue("failed", failed);
        cmd.Parameters.AddWithValue("gaveUp", gaveUp);
        cmd.Parameters.AddWithValue("id", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Records a command-line run stopped before it finished: Abandoned, and its schools not yet imported failed with the
    /// reason, so nothing is left Running or Importing for the next run or `skolnarvaro status` to wonder about.
    /// </summary>
    public async Task InterruptAsync(long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            update run_school set status = 'Failed', finished_at = @now,
                error = 'the run was stopped (SIGTERM or Ctrl+C) before this school was imported; nothing of an unfinished file was kept'
            where run_id = @id and status in ('Pending', 'Importing');
            update run set status = 'Abandoned', finished_at = @now where id = @id and status = 'Running';
            """);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("id", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<RunRow> ReadRunAsync(long runId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select id, kind, as_of, status, dry_run, send_now from run where id = @id");
        cmd.Parameters.AddWithValue("id", runId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            throw new InvalidOperationException($"No run with id {runId}.");
        }

        return new RunRow(r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetString(3), r.GetBoolean(4), r.GetBoolean(5));
    }

    /// <summary>The latest nightly run, if any.</summary>
    /// <summary>The lowest and highest run ids, or null when nothing has run yet.</summary>
    public async Task<(long First, long Last)?> IdRangeAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select min(id), max(id) from run");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) && !r.IsDBNull(0) ? (r.GetInt64(0), r.GetInt64(1)) : null;
    }

    public async Task<bool> ExistsAsync(long runId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select exists (select 1 from run where id = @id)");
        cmd.Parameters.AddWithValue("id", runId);
        return await cmd.ExecuteScalarAsync(ct) is true;
    }

    public async Task<long?> LatestNightlyAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select max(id) from run where kind = 'nightly'");
        return await cmd.ExecuteScalarAsync(ct) is long id ? id : null;
    }

    /// <summary>The most recent runs of every kind, newest first, with their schools' counts.</summary>
    public async Task<IReadOnlyList<RunListing>> RecentAsync(int count, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select r.id, r.kind, r.as_of, r.started_at, r.finished_at, r.status,
                   count(rs.*) filter (where rs.status = 'Imported' and rs.analyzed_at is not null and rs.error is null),
                   count(rs.*) filter (where rs.status = 'Failed' or rs.error is not null), count(rs.*),
                   sum(rs.high), sum(rs.at_risk), sum(rs.trend), count(rs.*) filter (where rs.digest_queued)
            from run r left join run_school rs on rs.run_id = r.id
            group by r.id order by r.id desc limit @n
            """);
        cmd.Parameters.AddWithValue("n", count);
        var list = new List<RunListing>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            int? Sum(int i) => r.IsDBNull(i) ? null : (int)r.GetInt64(i);
            list.Add(new RunListing(r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateOnly>(2), r.GetFieldValue<DateTimeOffset>(3),
                r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetString(5), (int)r.GetInt64(6), (int)r.GetInt64(7),
                (int)r.GetInt64(8), Sum(9), Sum(10), Sum(11), (int)r.GetInt64(12)));
        }

        return list;
    }

    /// <summary>This process, as recorded on the attempts it makes.</summary>
    public static string WorkerName { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    private static async Task CreateSchoolsAsync(NpgsqlConnection conn, long runId, IEnumerable<string> schools, CancellationToken ct)
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
            update run_school set status = 'Imported', finished_at = @now, import_ms = @ms, error = null,
                files_seen = (select count(*) from import_file where id = any(@seen) and run_id is distinct from @run),
                last_export_date = @lastExport, last_import_at = @lastImport, school_days_since_export = @daysSince, stale = @stale,
                reporting_rate = @rate, rejected_files_30_days = @rejected
            where run_id = @run and skolenhetskod = @school
            """);
        Add(cmd, runId, school);
        cmd.Parameters.AddWithValue("seen", seenIds);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("ms", (long)took.TotalMilliseconds);
        cmd.Parameters.AddWithValue("lastExport", NpgsqlDbType.Date, (object?)quality.LastExportDate ?? DBNull.Value);
        cmd.Parameters.AddWithValue("lastImport", NpgsqlDbType.TimestampTz, (object?)quality.LastImportAt ?? DBNull.Value);
        cmd.Parameters.AddWithValue("daysSince", quality.SchoolDaysSinceLastExport);
        cmd.Parameters.AddWithValue("stale", quality.IsStale);
        cmd.Parameters.AddWithValue("rate", NpgsqlDbType.Double, (object?)quality.ReportingRate ?? DBNull.Value);
        cmd.Parameters.AddWithValue("rejected", quality.RejectedFilesLast30Days);
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
    public async Task<SchoolDataQuality?> BeginAnalysisAsync(NpgsqlConnection conn, long runId, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select skolenhetskod, {QualityColumns} from run_school
            where run_id = @run and skolenhetskod = @school and status = 'Imported' and analyzed_at is null
            for update
            """, conn);
        Add(cmd, runId, school);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Quality(r, 0) : null;
    }

    public async Task RecordAnalysisAsync(NpgsqlConnection conn, long runId, string school, SchoolAnalysis a, TimeSpan took, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            update run_school set analyzed_at = @now, analysis_ms = @ms, error = @error, high = @high, at_risk = @atRisk, trend = @trend,
                new_or_escalated = @news, reminded = @reminded, digest_queued = @queued, next_digest_on = @next, waiting = @waiting
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
        cmd.Parameters.AddWithValue("next", a.NextDigest);
        cmd.Parameters.AddWithValue("waiting", a.Waiting);
        cmd.Parameters.AddWithValue("error", (object?)a.Error ?? DBNull.Value);
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
        await using (var cmd = db.CreateCommand($"""
            select rs.skolenhetskod, s.name, s.driftsform, rs.status, rs.attempts, rs.worker, rs.files_seen, rs.import_ms, rs.analyzed_at is not null, rs.analysis_ms, coalesce(rs.high, 0), coalesce(rs.at_risk, 0),
                   coalesce(rs.trend, 0), coalesce(rs.new_or_escalated, 0), coalesce(rs.reminded, 0), coalesce(rs.digest_queued, false),
                   rs.error, rs.skolenhetskod, {QualityColumns}, rs.next_digest_on, coalesce(rs.waiting, 0)
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
                    Quality(r, 17), r.IsDBNull(7) ? null : TimeSpan.FromMilliseconds(r.GetInt64(7)), r.GetBoolean(8),
                    r.IsDBNull(9) ? null : TimeSpan.FromMilliseconds(r.GetInt64(9)),
                    r.GetInt32(10), r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt32(14), r.GetBoolean(15),
                    r.IsDBNull(16) ? null : r.GetString(16),
                    r.IsDBNull(24) ? null : r.GetFieldValue<DateOnly>(24), r.GetInt32(25)));
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

    private async Task<long> InsertRunAsync(
        NpgsqlConnection conn, string kind, DateOnly asOf, string configJson, string? triggerKey, bool dryRun, CancellationToken ct,
        bool sendNow = false)
    {
        await using var cmd = new NpgsqlCommand($"""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256, trigger_key, dry_run, send_now)
            values (@kind, @now, @asOf, 'Running', @config::jsonb, {CanonicalHash}, @trigger, @dryRun, @sendNow) returning id
            """, conn);
        cmd.Parameters.AddWithValue("sendNow", sendNow);
        cmd.Parameters.AddWithValue("trigger", (object?)triggerKey ?? DBNull.Value);
        cmd.Parameters.AddWithValue("dryRun", dryRun);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("config", NpgsqlDbType.Jsonb, configJson);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static string OwnerLock(long runId) => $"run-owner:{runId}";

    /// <summary>True when no process holds the owner lock of a command-line run: it was killed or stopped.</summary>
    private async Task<bool> OwnerGoneAsync(long runId, CancellationToken ct)
    {
        await using var probe = await SessionLock.TryTakeAsync(db, OwnerLock(runId), ct);
        return probe is not null;
    }

    /// <summary>The data quality recorded with a school's import; null before the school was imported.</summary>
    private static SchoolDataQuality? Quality(NpgsqlDataReader r, int i) => r.IsDBNull(i + 4)
        ? null
        : new SchoolDataQuality(r.GetString(i), r.IsDBNull(i + 1) ? null : r.GetFieldValue<DateOnly>(i + 1),
            r.IsDBNull(i + 2) ? null : r.GetFieldValue<DateTimeOffset>(i + 2), r.GetInt32(i + 3), r.GetBoolean(i + 4),
            r.IsDBNull(i + 5) ? null : r.GetDouble(i + 5), r.GetInt32(i + 6));
}
