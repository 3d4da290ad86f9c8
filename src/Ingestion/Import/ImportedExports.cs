using Npgsql;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Questions other stages and the analyst's desk ask about the exports imported so far: Ingestion writes
/// <c>import_file</c>, and answers for it here (and through the <c>import_file_record</c> view for SQL that joins it).
/// </summary>
public sealed class ImportedExports(NpgsqlDataSource db)
{
    /// <summary>The last day covered by an imported export, of any school; null before the first import.</summary>
    public async Task<DateOnly?> LastExportDateAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("select max(period_to) from import_file where status = 'Imported'");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) && !r.IsDBNull(0) ? r.GetFieldValue<DateOnly>(0) : null;
    }
}
