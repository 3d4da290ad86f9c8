using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// PostgreSQL's planner statistics of attendance_fact, refreshed after large imports. Autovacuum gathers them too, but
/// only some time after a large COPY, so the analysis that follows a big import would otherwise be planned for the table as
/// it was (a first nightly run after a term's import took twice as long).
/// </summary>
public sealed class FactStatistics(NpgsqlDataSource db, IOptions<IngestionOptions> options, ILogger<FactStatistics> logger)
{
    /// <summary>
    /// Runs ANALYZE on attendance_fact when the imports just finished wrote or replaced at least
    /// <see cref="IngestionOptions.AnalyzeAfterFacts"/> facts, or when that many changes have gathered since the table was
    /// last analysed (many schools' smaller imports in one run add up). Returns whether it did.
    /// </summary>
    public async Task<bool> RefreshAfterImportAsync(long factsChanged, CancellationToken ct = default)
    {
        var threshold = options.Value.AnalyzeAfterFacts;
        if (threshold <= 0)
        {
            return false;
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        if (factsChanged < threshold)
        {
            // The statistics system's count of changes since the last ANALYZE, by every worker and school.
            var changed = await FileImporter.Scalar<long?>(conn,
                "select n_mod_since_analyze from pg_stat_user_tables where relid = 'attendance_fact'::regclass", ct);
            if ((changed ?? 0) < threshold)
            {
                return false;
            }
        }

        var took = System.Diagnostics.Stopwatch.StartNew();
        await FileImporter.Exec(conn, "analyze attendance_fact", ct);
        logger.LogInformation("attendance_fact analysed after an import of {Facts:N0} facts, in {Seconds:N1} s", factsChanged, took.Elapsed.TotalSeconds);
        return true;
    }
}
