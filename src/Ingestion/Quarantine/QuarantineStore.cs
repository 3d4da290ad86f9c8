using Npgsql;
using NpgsqlTypes;
using System.Text.RegularExpressions;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Csv;
using Skolnarvaro.Ingestion.Parsing;

namespace Skolnarvaro.Ingestion.Quarantine;

/// <summary>A pupil this file names otherwise than the name stored for the same personnummer.</summary>
public sealed record IdentityConflict(string FileName, int Line, string NameInFile, string StoredName, string? StoredSchool, DateTimeOffset ImportedAt);

public sealed record QuarantinedRow(long ImportFileId, string FileName, DateTimeOffset ImportedAt, string FileStatus, int Line, string? Column, string? Value, string Reason);

/// <summary>Rows that could not be imported, with file, line, column, value and reason — values masked.</summary>
public sealed partial class QuarantineStore(NpgsqlDataSource db)
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
            await WriteNullable(copy, p.Column is null ? null : QuarantineMasking.Excerpt(p.Column), ct);
            await WriteNullable(copy, p.Value is null ? null : QuarantineMasking.Excerpt(p.Value), ct);
            await copy.WriteAsync(QuarantineMasking.ForStorage(p.Reason), NpgsqlDbType.Text, ct);
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

    /// <summary>
    /// The school's refused rows for its export administrator: one CSV row per file, column and reason (numbers in the
    /// reason generalised, so "line 12" and "line 40" count together), with the count and the first line numbers.
    /// Returns the number of reason rows written.
    /// </summary>
    public async Task<int> WriteReasonsCsvAsync(string skolenhetskod, string path, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select f.id, f.file_name, f.imported_at, f.status, q.line, q.column_name, q.reason
            from quarantined_row q join import_file f on f.id = q.import_file_id
            where f.skolenhetskod = @school
            order by f.imported_at, f.id, q.line
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlTypes.NpgsqlDbType.Char, skolenhetskod);
        var groups = new List<(string File, DateTimeOffset At, string Status, string? Column, string Reason, List<int> Lines)>();
        var index = new Dictionary<(long, string?, string), int>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var reason = Digits().Replace(r.GetString(6), "n");
                var column = r.IsDBNull(5) ? null : r.GetString(5);
                var key = (r.GetInt64(0), column, reason);
                if (!index.TryGetValue(key, out var i))
                {
                    index[key] = i = groups.Count;
                    groups.Add((r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3), column, reason, []));
                }

                groups[i].Lines.Add(r.GetInt32(4));
            }
        }

        using var csv = SpreadsheetCsv.Create(path);
        csv.Header("fil", "mottagen", "status", "kolumn", "orsak", "antal_rader", "forsta_raderna");
        foreach (var g in groups)
        {
            csv.Texts(g.File, g.At.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                    g.Status switch { "Imported" => "importerad, raderna utelämnade", "Rejected" => "avvisad", _ => "misslyckad" },
                    g.Column ?? "", g.Reason)
                .Number(g.Lines.Count).Text(string.Join(", ", g.Lines.Take(20))).EndRow();
        }

        return groups.Count;
    }

    public async Task<IReadOnlyList<IdentityConflict>> IdentityConflictsAsync(string skolenhetskod, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            select f.file_name, c.line, c.file_name, c.stored_name, c.stored_school, f.imported_at
            from identity_conflict c join import_file f on f.id = c.import_file_id
            where c.skolenhetskod = @school
            order by f.imported_at desc, c.line
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlTypes.NpgsqlDbType.Char, skolenhetskod);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var conflicts = new List<IdentityConflict>();
        while (await r.ReadAsync(ct))
        {
            conflicts.Add(new IdentityConflict(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5)));
        }

        return conflicts;
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}
