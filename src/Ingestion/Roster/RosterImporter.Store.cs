using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Import;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>How a roster is recorded: the mentors it ends and starts, and every file read, imported or rejected.</summary>
public sealed partial class RosterImporter
{
    /// <summary>
    /// Ends the mentors in force that the roster leaves out and starts those it adds, from its night: a roster never takes
    /// effect before the one it replaces, so the night is moved up to that one's when it is earlier.
    /// </summary>
    private async Task<RosterImportResult> ReplaceAsync(NpgsqlConnection conn, RosterFile file, RosterVerdict verdict, CancellationToken ct)
    {
        file = file with { Night = await NotBeforeInForceAsync(conn, file, ct) };
        await schools.UpsertAsync(conn, file.School, ct);
        var id = await RecordAsync(conn, file, "Imported", verdict.Entries.Count, "", ct);
        await FileImporter.Exec(conn, """
            create temp table stage_roster on commit drop as
            select * from unnest(@classes::text[], @names::text[], @emails::text[]) as s(class_name, mentor_name, email)
            """, ct, ("classes", verdict.Entries.Select(e => e.Class).ToArray()), ("names", verdict.Entries.Select(e => e.Mentor).ToArray()),
            ("emails", verdict.Entries.Select(e => e.Email).ToArray()));
        var ended = await CountAsync(conn, """
            update class_mentor m set valid_until = greatest(m.valid_from, @night), closed_by = @id
            where m.skolenhetskod = @school and m.valid_until is null
              and not exists (select 1 from stage_roster s
                              where lower(s.class_name) = lower(m.class_name) and s.email = m.email and s.mentor_name = m.mentor_name)
            """, file, id, ct);
        var added = await CountAsync(conn, """
            insert into class_mentor (skolenhetskod, class_name, mentor_name, email, valid_from, opened_by)
            select @school, s.class_name, s.mentor_name, s.email, @night, @id from stage_roster s
            where not exists (select 1 from class_mentor m where m.skolenhetskod = @school and m.valid_until is null
                                and lower(m.class_name) = lower(s.class_name) and m.email = s.email)
            """, file, id, ct);
        var without = (await ClassMentors.ClassesAsync(conn, file.Code, file.Night, ct))
            .Where(c => !verdict.Entries.Any(e => string.Equals(e.Class, c, StringComparison.OrdinalIgnoreCase))).ToList();
        var message = ImportedMessage(file, verdict, added, ended, without);
        await FileImporter.Exec(conn, "update roster_import set mentors_added = @added, mentors_ended = @ended, message = @message where id = @id",
            ct, ("added", added), ("ended", ended), ("message", message), ("id", id));
        return new RosterImportResult(file.Name, RosterImportStatus.Imported, id, file.Night, verdict.Entries.Count, added, ended, without, message);
    }

    private static async Task<DateOnly> NotBeforeInForceAsync(NpgsqlConnection conn, RosterFile file, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select max(valid_from) from class_mentor where skolenhetskod = @school", conn);
        cmd.Parameters.Add(FileImporter.Char(file.Code)).ParameterName = "school";
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return !r.IsDBNull(0) && r.GetFieldValue<DateOnly>(0) > file.Night ? r.GetFieldValue<DateOnly>(0) : file.Night;
    }

    private static string ImportedMessage(RosterFile file, RosterVerdict verdict, int added, int ended, IReadOnlyList<string> without)
    {
        var classes = verdict.Entries.Select(e => e.Class).Distinct().Count();
        var repeats = verdict.Repeats.Count == 0 ? ""
            : $"; {verdict.Repeats.Count} repeated {(verdict.Repeats.Count == 1 ? "row" : "rows")} counted once " +
              $"({string.Join(", ", verdict.Repeats.Take(5).Select(r => $"line {r.Line} repeats line {r.First}"))}{(verdict.Repeats.Count > 5 ? ", …" : "")})";
        var missing = without.Count == 0 ? "" : $"; {without.Count} of the school's classes {(without.Count == 1 ? "has" : "have")} no mentor: {string.Join(", ", without)}";
        return $"{file.Name}: roster imported, in force from {file.Night:yyyy-MM-dd}: {verdict.Entries.Count} {(verdict.Entries.Count == 1 ? "mentor" : "mentors")} of {classes} " +
               $"{(classes == 1 ? "class" : "classes")} ({added} started, {ended} ended){repeats}{missing}.";
    }

    private static async Task<int> CountAsync(NpgsqlConnection conn, string sql, RosterFile file, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.Add(FileImporter.Char(file.Code)).ParameterName = "school";
        cmd.Parameters.AddWithValue("night", file.Night);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A rejected roster is recorded on its own, after everything of it was rolled back; the message names why.</summary>
    private async Task<RosterImportResult> RejectAsync(RosterFile file, IReadOnlyList<string> classes, string reason, CancellationToken ct)
    {
        var message = QuarantineMasking.ForStorage($"{file.Name}: {reason}");
        await using (var conn = await db.OpenConnectionAsync(ct))
        {
            await schools.UpsertAsync(conn, file.School, ct);
            await RecordAsync(conn, file, "Rejected", 0, message, ct);
        }

        logger.LogWarning("School {School}: {Message}", file.Code, message);
        return new RosterImportResult(file.Name, RosterImportStatus.Rejected, null, file.Night, 0, 0, 0, [], message);
    }

    private async Task<long> RecordAsync(NpgsqlConnection conn, RosterFile file, string status, int mentors, string message, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into roster_import (skolenhetskod, file_name, content_sha256, night, status, imported_at, run_id, lines_total, mentor_rows, message)
            values (@school, @file, @sha, @night, @status, @at, @run, @lines, @mentors, @message)
            returning id
            """, conn);
        cmd.Parameters.Add(FileImporter.Char(file.Code)).ParameterName = "school";
        cmd.Parameters.AddWithValue("file", QuarantineMasking.Excerpt(file.Name));
        cmd.Parameters.AddWithValue("sha", file.Sha);
        cmd.Parameters.AddWithValue("night", file.Night);
        cmd.Parameters.AddWithValue("status", status);
        cmd.Parameters.AddWithValue("at", time.GetUtcNow());
        cmd.Parameters.Add(new NpgsqlParameter("run", NpgsqlDbType.Bigint) { Value = (object?)file.RunId ?? DBNull.Value });
        cmd.Parameters.AddWithValue("lines", file.Lines);
        cmd.Parameters.AddWithValue("mentors", mentors);
        cmd.Parameters.AddWithValue("message", message);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
