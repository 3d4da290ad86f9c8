using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Quarantine;

public sealed record QuarantinedRow(long ImportFileId, string FileName, DateTimeOffset ImportedAt, string FileStatus, int Line, string? Column, string? Value, string Reason);

/// <summary>Rows that could not be imported, with file, line, column, value and reason — values masked.</summary>
public sealed class QuarantineStore(NpgsqlDataSource db)
{
    internal static async Task InsertAsync(NpgsqlConnection conn, long importFileId, IEnumerable<RowProblem> problems, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy quarantined_row (import_file_id, line, column_name, value, reason) from stdin (format binary)", ct);
        foreach (var p in problems)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(importFileId, NpgsqlDbType.Bigint, ct);
            await copy.WriteAsync(p.Line, NpgsqlDbType.Integer, ct);
            await WriteNullable(copy, p.Column, ct);
            await WriteNullable(copy, p.Value is null ? null : QuarantineMasking.MaskValue(p.Value), ct);
            await copy.WriteAsync(p.Reason, NpgsqlDbType.Text, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(ct);
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
        }
    }

    public async Task<IReadOnlyList<QuarantinedRow>> ListAsync(string skolenhetskod, int limit = 1000, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select f.id, f.file_name, f.imported_at, f.status, q.line, q.column_name, q.value, q.reason
            from quarantined_row q join import_file f on f.id = q.import_file_id
            where f.skolenhetskod = @school
            order by f.imported_at desc, f.id desc, q.line
            limit @limit
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlTypes.NpgsqlDbType.Char, skolenhetskod);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<QuarantinedRow>();
        while (await r.ReadAsync(ct))
        {
            rows.Add(new QuarantinedRow(r.GetInt64(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetString(5), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7)));
        }

        return rows;
    }
}
