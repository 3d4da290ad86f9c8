using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Import.Checks;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Ingestion.Roster;

/// <summary>
/// Imports a school's roster (<c>Klass;Mentor;E-post</c>) all or nothing, with the care of an export: only a regular file
/// inside the inbox under the size and time caps, the same encoding check as the school's exports, every problem named by
/// line, column and masked value. A rejected roster changes nothing: the roster in force stays. An imported one ends the
/// mentors it leaves out and starts the new ones from its night, so who mentored a class on any night stays known.
/// </summary>
public sealed partial class RosterImporter(
    NpgsqlDataSource db,
    SchoolProfiles profiles,
    SchoolRegistryStore schools,
    TimeProvider time,
    IOptions<IngestionOptions> options,
    ILogger<RosterImporter> logger,
    DemoDay? demoDay = null)
{
    private const int MaxListedProblems = 20;

    /// <summary>Imports the newest roster file in the school's inbox (<see cref="RosterFiles"/>); null when it has none.</summary>
    /// <param name="night">The night the roster is for; today in school time (the demo's day in demo mode) when null.</param>
    public async Task<RosterImportResult?> ImportInboxAsync(SchoolSettings school, DateOnly? night = null, long? runId = null, CancellationToken ct = default)
    {
        var files = RosterFiles.In(profiles.InboxOf(school));
        if (files.Count > 1)
        {
            logger.LogInformation("School {School}: {Count} roster files in the inbox; only the newest by name, {File}, counts", school.Skolenhetskod,
                files.Count, Path.GetFileName(files[^1]));
        }

        return files.Count == 0 ? null : await ImportAsync(school, files[^1], night, runId, ct);
    }

    /// <summary>Imports one roster file for the school, in force from <paramref name="night"/> (see <see cref="ImportInboxAsync"/>).</summary>
    public async Task<RosterImportResult> ImportAsync(
        SchoolSettings school, string path, DateOnly? night = null, long? runId = null, CancellationToken ct = default)
    {
        var file = new RosterFile(school, path, night ?? demoDay?.AsOf ?? DateOnly.FromDateTime(time.GetLocalNow().DateTime), runId);
        var limits = options.Value;
        if (ReadableFile.Refusal(path, limits.MaxFileBytes) is { } refusal)
        {
            return await RejectAsync(file, [], $"rejected, nothing read: {refusal}.", ct);
        }

        using var timeCap = new CancellationTokenSource(limits.MaxFileImportTime, time);
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(ct, timeCap.Token);
        try
        {
            var scan = await FileScan.ReadAsync(path, capped.Token, limits.MaxFileBytes);
            file = file with { Sha = scan.Sha256, Lines = scan.Lines };
            return await ImportScannedAsync(file, scan, capped.Token);
        }
        catch (FileRejectedException e)
        {
            return await RejectAsync(file, [], $"{Rejected} line {e.Line}: {e.Reason}.", ct);
        }
        catch (OperationCanceledException) when (timeCap.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            return await RejectAsync(file, [], $"{Rejected} reading it took longer than {limits.MaxFileImportTime} (Skolnarvaro:MaxFileImportTime).", ct);
        }
    }

    private const string Rejected = "rejected, nothing changed (the roster in force stays):";

    /// <summary>The roster being imported, as its record and any rejection of it name it.</summary>
    private sealed record RosterFile(SchoolSettings School, string Path, DateOnly Night, long? RunId)
    {
        public string Name => System.IO.Path.GetFileName(Path);
        public string Code => School.Skolenhetskod;
        public byte[] Sha { get; init; } = [];
        public int Lines { get; init; }
    }

    /// <summary>
    /// Under the school's import lock, in one transaction: the bytes checked, the rows read and judged against the school's
    /// classes, and the roster in force replaced. Any problem rolls it all back.
    /// </summary>
    private async Task<RosterImportResult> ImportScannedAsync(RosterFile file, FileScan scan, CancellationToken ct)
    {
        var profile = profiles.For(file.School);
        if (ImportChecks.BeforeReading(file.Name, file.Path, profile, scan) is { } unreadable)
        {
            return await RejectAsync(file, [], $"{Rejected} {ForRoster(unreadable.Problems[0].Reason, profile.Encoding)}.", ct);
        }

        if (scan.Lines == 0)
        {
            return await RejectAsync(file, [], $"{Rejected} the file is empty; a roster's first line is the header {RosterReader.Header}, " +
                "then one row per mentor and class.", ct);
        }

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The exports' lock: the classes the roster is checked against do not change while it is read.
        await FileImporter.Exec(conn, "select pg_advisory_xact_lock(hashtext('import:' || @school))", ct, ("school", FileImporter.Char(file.Code)));
        if (await InForceAsync(conn, file, ct) is { } unchanged)
        {
            return unchanged;
        }

        var classes = await ClassMentors.ClassesAsync(conn, file.Code, file.Night, ct);
        RosterRead read;
        try
        {
            read = RosterReader.Read(file.Path, profile.Encoding, ct);
        }
        catch (RosterFormatException e)
        {
            await tx.RollbackAsync(ct);
            return await RejectAsync(file, [], $"{Rejected} {e.Message}", ct);
        }

        var verdict = RosterRules.Check(read.Rows, classes);
        var problems = read.Problems.Concat(verdict.Problems).OrderBy(p => p.Line).ToList();
        if (problems.Count > 0 || verdict.Entries.Count == 0)
        {
            await tx.RollbackAsync(ct);
            return await RejectAsync(file, classes, RejectionMessage(problems, classes), ct);
        }

        var result = await ReplaceAsync(conn, file, verdict, ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("School {School}: {Message}", file.Code, result.Message);
        return result;
    }

    /// <summary>
    /// The encoding check advises changing the exports' profile; a roster is saved in the exports' encoding instead, since
    /// the one setting serves both.
    /// </summary>
    private static string ForRoster(string reason, System.Text.Encoding encoding)
    {
        var advice = reason.IndexOf(": set Encoding in the school's ProfileOverrides", StringComparison.Ordinal);
        var name = encoding is System.Text.UTF8Encoding ? "UTF-8" : encoding.WebName;
        return advice < 0 ? reason : $"{reason[..advice]}: save the roster as {name}, the encoding of the school's exports (its export profile)";
    }

    /// <summary>The same content as the roster in force is not read again (the nightly run meets it every night).</summary>
    private static async Task<RosterImportResult?> InForceAsync(NpgsqlConnection conn, RosterFile file, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            select id, content_sha256 = @sha, night, mentor_rows from roster_import
            where skolenhetskod = @school and status = 'Imported' order by id desc limit 1
            """, conn);
        cmd.Parameters.Add(FileImporter.Char(file.Code)).ParameterName = "school";
        cmd.Parameters.AddWithValue("sha", file.Sha);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct) || !r.GetBoolean(1))
        {
            return null;
        }

        var id = r.GetInt64(0);
        return new RosterImportResult(file.Name, RosterImportStatus.Unchanged, id, file.Night, r.GetInt32(3), 0, 0, [],
            $"{file.Name}: the roster in force (import #{id}, from {r.GetFieldValue<DateOnly>(2):yyyy-MM-dd}); nothing changed.");
    }

    private static string RejectionMessage(IReadOnlyList<RosterProblem> problems, IReadOnlyList<string> classes)
    {
        if (problems.Count == 0)
        {
            return $"{Rejected} the file has its header but no mentors; a roster names at least one mentor of a class.";
        }

        var listed = string.Join("", problems.Take(MaxListedProblems).Select(p => $"{Environment.NewLine}  {p}."));
        var more = problems.Count > MaxListedProblems ? $"{Environment.NewLine}  … and {problems.Count - MaxListedProblems} more." : "";
        var unknownClass = problems.Any(p => p.Column == RosterReader.ClassColumn && p.Value is not null);
        var known = !unknownClass ? ""
            : classes.Count == 0 ? $"{Environment.NewLine}The school's exports have no classes this school year yet: import its exports first."
            : $"{Environment.NewLine}The school's classes in its exports this school year: {string.Join(", ", classes)}.";
        return $"{Rejected} {problems.Count} {(problems.Count == 1 ? "row is" : "rows are")} wrong:{listed}{more}{known}";
    }
}
