using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.Ingestion.Plausibility;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Imports one export file all or nothing: parse and binary-COPY into a staging table (overlapped), then one
/// set-based merge in the same transaction. A file is imported once (content hash); a newer export replaces the
/// facts of the dates it covers; bad rows are quarantined; a file with too many of them is rejected whole.
/// </summary>
public sealed class FileImporter(
    NpgsqlDataSource db,
    PupilKeyHasher hasher,
    SchoolRegistryStore schools,
    TimeProvider time,
    IOptions<IngestionOptions> options,
    IOptions<PlausibilityOptions> plausibility,
    ILogger<FileImporter> logger,
    DemoDay? demoDay = null)
{
    private const int MaxStoredProblems = 10_000;

    /// <param name="runId">The nightly run importing the file, recorded on it; null outside a run (the import command).</param>
    /// <param name="allowShrink">
    /// Take the file even when it removes facts of pupils who were in the school's earlier exports for its dates (the
    /// analyst has confirmed it, <c>import --allow-shrink</c>); otherwise such a file is held back.
    /// </param>
    /// <param name="asOf">
    /// The school day the import is for: what "after today" means to the plausibility rules. When null, the demo's fixed
    /// date in demo mode, else today in school time (the injected clock).
    /// </param>
    public async Task<ImportResult> ImportAsync(
        SchoolSettings school, ResolvedProfile profile, string path, IProgress<ImportProgress>? progress = null, CancellationToken ct = default,
        long? runId = null, bool allowShrink = false, DateOnly? asOf = null)
    {
        var today = asOf ?? demoDay?.AsOf ?? DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        var limits = options.Value;
        if (ReadableFile.Refusal(path, limits.MaxFileBytes) is { } refusal)
        {
            return await RejectAsync(school, profile, path, [], runId, $"{Path.GetFileName(path)}: rejected, nothing read: {refusal}.", 0,
                [new RowProblem(1, null, null, refusal)], ct);
        }

        // The time cap ends an import that reads without end (a file that keeps growing) or waits on a stuck disk.
        using var timeCap = new CancellationTokenSource(limits.MaxFileImportTime, time);
        using var capped = CancellationTokenSource.CreateLinkedTokenSource(ct, timeCap.Token);
        var outer = ct;
        ct = capped.Token;
        FileScan? scan = null;
        using var planCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Task<KeyOrder?>? planning = null;
        try
        {
            var phases = new ImportPhases();
            planning = PlanKeyOrderAsync(school, profile, path, today, planCancel.Token);
            scan = await FileScan.ReadAsync(path, ct, limits.MaxFileBytes);
            phases.Mark("scan");
            return await ImportScannedAsync(school, profile, path, scan, planning, phases, progress, runId, allowShrink || profile.AllowShrink, today, ct);
        }
        catch (FileRejectedException e) when (scan is null)
        {
            return await RejectAsync(school, profile, path, [], runId, $"{Path.GetFileName(path)}: rejected, nothing imported: {e.Reason}.", 0,
                [new RowProblem(e.Line, null, null, e.Reason)], outer);
        }
        catch (OperationCanceledException) when (timeCap.IsCancellationRequested && !outer.IsCancellationRequested)
        {
            var reason = $"the import took longer than {limits.MaxFileImportTime} (Skolnarvaro:MaxFileImportTime) and was stopped";
            return await RejectAsync(school, profile, path, scan?.Sha256 ?? [], runId, $"{Path.GetFileName(path)}: rejected, nothing imported: {reason}.", 0,
                [new RowProblem(1, null, null, reason)], outer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a verdict on the file but a failure of ours: left as a trace on import_file, then thrown for the caller
            // (and Hangfire) to handle. Its message may quote a value: masked like any other.
            var message = $"{Path.GetFileName(path)}: the import failed, nothing imported: {Shortened(QuarantineMasking.MaskValue(e.Message))}";
            try
            {
                await RecordAsync(school, profile, path, scan?.Sha256 ?? [], runId, "Failed", message, 0, [], null, 0, outer);
            }
            catch (Exception recordError) when (recordError is not OperationCanceledException)
            {
                logger.LogError(recordError, "{File}: could not record the failed import", Path.GetFileName(path));
            }

            throw;
        }
        finally
        {
            // Not needed any more (or never used): the pass stops, and nothing of it outlives the import.
            await planCancel.CancelAsync();
            if (planning is not null)
            {
                await planning;
            }
        }
    }

    /// <summary>
    /// The key order for a school's first import of lessons or days (<see cref="KeyOrder"/>), planned beside the byte scan.
    /// Whether it is the first is asked here without the school's lock, as a hint; the import asks again under the lock
    /// and uses the order only then. Null when the file keeps its order.
    /// </summary>
    private async Task<KeyOrder?> PlanKeyOrderAsync(SchoolSettings school, ResolvedProfile profile, string path, DateOnly today, CancellationToken ct)
    {
        try
        {
            if (profile.Kind == ExportKind.Summary)
            {
                return null;
            }

            await using (var conn = await db.OpenConnectionAsync(ct))
            {
                if (await Scalar<bool>(conn, "select exists (select 1 from attendance_fact where skolenhetskod = @school)",
                        ct, ("school", Char(school.Skolenhetskod))))
                {
                    return null;
                }
            }

            return await Task.Run(() => KeyOrder.Plan(path, profile, hasher, today, ct), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || ct.IsCancellationRequested)
        {
            // Only a faster order: without it the file is read in its own order, and anything wrong with the file itself
            // is found and reported by the scan and the reader.
            if (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "{File}: could not plan the key order; reading the file in its own order", Path.GetFileName(path));
            }

            return null;
        }
    }

    private async Task<ImportResult> ImportScannedAsync(
        SchoolSettings school, ResolvedProfile profile, string path, FileScan scan, Task<KeyOrder?> planning, ImportPhases phases,
        IProgress<ImportProgress>? progress, long? runId, bool allowShrink, DateOnly today, CancellationToken ct)
    {
        var fileName = Path.GetFileName(path);
        progress = progress is null ? null : new ImportProgress.ForFile(progress, fileName);
        var sha = scan.Sha256;
        var rules = new PlausibilityRules(plausibility.Value, today);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        // Sorting and adding up a term of facts spills to disk with the default 4 MB.
        await Exec(conn, "set local work_mem = '256MB'", ct);

        // One import per school at a time: replacement and summary differencing depend on the order of files.
        await Exec(conn, "select pg_advisory_xact_lock(hashtext('import:' || @school))", ct, ("school", Char(school.Skolenhetskod)));

        var existing = await Scalar<long?>(conn,
            "select id from import_file where skolenhetskod = @school and content_sha256 = @sha and status = 'Imported'",
            ct, ("school", Char(school.Skolenhetskod)), ("sha", sha));
        if (existing is { } id)
        {
            // Debug: files stay in the inbox, and every night would otherwise log each of them again; the inbox says it once.
            logger.LogDebug("{File} for school {School} was already imported as #{Id}", fileName, school.Skolenhetskod, id);
            return ImportResult.AlreadyImported(path, id);
        }

        if (FileSniff.NotText(path) is { } notText)
        {
            await tx.RollbackAsync(ct);
            return await RejectAsync(school, profile, path, sha, runId, $"{fileName}: rejected, nothing imported: {notText}.", 0,
                [new RowProblem(1, null, null, notText)], ct);
        }

        if (EncodingProblem(profile, scan, path) is { } encoding)
        {
            await tx.RollbackAsync(ct);
            var message = $"{fileName}: rejected, nothing imported: {encoding.Message}";
            return await RejectAsync(school, profile, path, sha, runId, message, 0, [new RowProblem(encoding.Line, null, null, encoding.Message)], ct);
        }

        await Exec(conn, """
            create temp table stage_fact (
                pupil_key bytea, date date, start_minute int, scheduled int, excused int, unexcused int, late int, not_reported int,
                lessons int, registered int, line int, subject text
            ) on commit drop;
            create temp table stage_snapshot (
                pupil_key bytea, period_from date, period_to date, scheduled int, excused int, unexcused int, line int
            ) on commit drop;
            create temp table stage_pupil (
                pupil_key bytea, first_name text, last_name text, gender char(1), birth_year int, class_name text, grade int,
                first_date date, last_date date, first_line int, conflict_line int, conflict_name text
            ) on commit drop;
            create temp table stage_guarded (pupil_key bytea) on commit drop;
            create temp table stage_unidentified (name text, date date) on commit drop;
            create temp table stage_kept (pupil_key bytea, date date, reason text, primary key (pupil_key, date)) on commit drop;
            """, ct);

        ExportReader OpenReader() => new(path, profile, hasher, rules, scan);
        ExportReader reader;
        try
        {
            reader = OpenReader();
        }
        catch (ExportFormatException e)
        {
            await tx.RollbackAsync(ct);
            return await RejectAsync(school, profile, path, sha, runId, e.Message, 0, [new RowProblem(1, null, null, e.Message)], ct);
        }

        try
        {
            if (reader.ExtraColumns.Count > 0)
            {
                logger.LogInformation("{File}: ignoring columns the profile does not use: {Columns}", fileName,
                    string.Join(", ", reader.ExtraColumns.Take(12)) + (reader.ExtraColumns.Count > 12 ? $" and {reader.ExtraColumns.Count - 12} more" : ""));
            }

            var length = Math.Max(1, scan.Length);

            // The import is recorded first so facts can be written under its id as they are parsed; a rejection
            // rolls it back with everything else and records itself afresh.
            await schools.UpsertAsync(conn, school, ct);
            var importId = await Scalar<long>(conn, """
                insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, run_id)
                values (@school, @file, @sha, @profile, @kind, 'Imported', @now, @run) returning id
                """, ct, ("school", Char(school.Skolenhetskod)), ("file", fileName), ("sha", sha), ("profile", profile.Name),
                ("kind", profile.Kind.ToString()), ("now", time.GetUtcNow()), ("run", (object?)runId ?? DBNull.Value));

            // Lessons listed pupil-day by pupil-day (the usual order) and days exports are written straight into
            // attendance_fact while parsing. A lessons file in another order is read again into staging and added up there.
            var direct = profile.Kind != ExportKind.Summary;
            // Whether the school has any facts yet, asked before this file's are written (under the school's lock): a first
            // import has nothing to replace, and is spared two passes over the facts it has just written.
            var olderFacts = await Scalar<bool>(conn, "select exists (select 1 from attendance_fact where skolenhetskod = @school)",
                ct, ("school", Char(school.Skolenhetskod)));
            await Exec(conn, "savepoint direct_write", ct);
            var storedSubjects = await SubjectCodesAsync(conn, school.Skolenhetskod, ct);
            var subjectCodes = new SubjectCodes(storedSubjects);
            StagingPass pass;
            phases.Mark("setup");
            if (direct && !olderFacts && await planning is { } order && order.Fits(scan, reader.PersonnummerColumn))
            {
                // A school's first import, read pupil by pupil in key order: PostgreSQL appends to the primary key's
                // rightmost page instead of searching and splitting it everywhere (half the server's work for the facts).
                reader.Dispose();
                reader = new ExportReader(path, profile, hasher, rules, scan, order);
                phases.Mark("key order");
            }
            try
            {
                pass = await StagingPass.RunAsync(conn, reader, profile.Kind, groupLessons: true, length, progress, ct,
                    direct ? (school.Skolenhetskod, importId, subjectCodes) : null, phases: phases, maxMinutesPerDay: rules.Options.MaxMinutesPerDay);
                if (pass.Recurred)
                {
                    logger.LogInformation("{File}: a pupil's day appears in more than one place in the file; reading it again lesson by lesson", fileName);
                    await Exec(conn, "rollback to savepoint direct_write", ct);
                    reader.Dispose();
                    reader = OpenReader();
                    direct = false;
                    phases.Mark("parse and COPY (abandoned)");
                    pass = await StagingPass.RunAsync(conn, reader, profile.Kind, groupLessons: false, length, progress, ct,
                        subjectLimit: new SubjectCodes(storedSubjects), phases: phases, maxMinutesPerDay: rules.Options.MaxMinutesPerDay);
                }
            }
            catch (FileRejectedException e)
            {
                await tx.RollbackAsync(ct);
                var message = $"{fileName}: rejected, nothing imported: line {e.Line}: {e.Reason}.";
                return await RejectAsync(school, profile, path, sha, runId, message, reader.RowsRead, [new RowProblem(e.Line, null, null, e.Reason)], ct);
            }

            var rowsRead = reader.RowsRead;
            var lines = reader.Lines;
            var problems = pass.Problems;
            var problemCount = pass.ProblemCount;
            var protectedCount = pass.ProtectedCount;
            phases.Mark("parse and COPY");
            await CopyPupilsAsync(conn, reader.Pupils, ct);
            await CopyGuardedAsync(conn, pass.QuarantinedPupils, ct);
            phases.Mark("pupils");

            if (profile.Kind == ExportKind.Lessons && !direct)
            {
                // Read lesson by lesson, a lesson listed twice is found set-based: the first row wins.
                var duplicates = await FindDuplicateLessonsAsync(conn, ct);
                duplicates.AddRange(await FindOverlongDaysAsync(conn, rules.Options.MaxMinutesPerDay, ct));
                problemCount += duplicates.Count;
                lines.Requarantine(duplicates.Count);
                problems.AddRange(duplicates.Take(Math.Max(0, MaxStoredProblems - problems.Count)));
                await CopyGuardedAsync(conn, duplicates.Select(d => d.PupilKey!).Distinct(Parsing.ByteContent.Instance).ToList(), ct);
                phases.Mark("duplicates");
            }

            if (!lines.AddsUp)
            {
                await tx.RollbackAsync(ct);
                var message = $"{fileName}: rejected, nothing imported: its lines do not add up, so some were read wrongly: {lines}.";
                return await RejectAsync(school, profile, path, sha, runId, message, rowsRead, [new RowProblem(1, null, null, message)], ct, lines: lines);
            }

            var badShare = rowsRead == 0 ? 0 : (double)problemCount / rowsRead;
            if (badShare > options.Value.MaxBadRowShare)
            {
                await tx.RollbackAsync(ct);
                var first = problems.OrderBy(p => p.Line).First();
                var message =
                    $"{fileName}: rejected, nothing imported: {problemCount} of {rowsRead} rows ({badShare:P1}) are bad; the limit is " +
                    $"{options.Value.MaxBadRowShare:P1}. First: line {first.Line}{(first.Column is null ? "" : $", column '{QuarantineMasking.Excerpt(first.Column)}'")}" +
                    $"{(first.Value is null ? "" : $", value '{QuarantineMasking.Excerpt(first.Value)}'")}: {first.Reason}.";
                return await RejectAsync(school, profile, path, sha, runId, message, rowsRead, problems, ct, problemCount, protectedCount, lines);
            }

            var conflicts = await FindIdentityConflictsAsync(conn, school.Skolenhetskod, importId, fileName, ct);
            phases.Mark("identity check");
            await MergePupilsAsync(conn, school.Skolenhetskod, ct);
            phases.Mark("merge pupils");
            if (direct && !pass.Recurred)
            {
                await Exec(conn, """
                    insert into school_subject (skolenhetskod, code, name)
                    select @school, code, name from unnest(@codes, @names) as s(code, name)
                    """, ct, ("school", Char(school.Skolenhetskod)),
                    ("codes", subjectCodes.Added.Select(a => (short)a.Code).ToArray()), ("names", subjectCodes.Added.Select(a => a.Name).ToArray()));
            }

            long written;
            long replaced;
            string note = "";
            var kept = KeptFacts.None;
            if (profile.Kind == ExportKind.Summary)
            {
                (written, replaced, note) = await MergeSnapshotsAsync(conn, school.Skolenhetskod, importId, ct);
                phases.Mark("merge snapshots");
            }
            else
            {
                DateOnly[] dates;
                if (direct)
                {
                    written = pass.Facts;
                    dates = pass.Dates.Dates().ToArray();
                }
                else
                {
                    (written, dates) = await MergeStagedFactsAsync(conn, school.Skolenhetskod, importId, ct);
                }

                phases.Mark("merge facts");
                if (olderFacts && problemCount > 0)
                {
                    await CopyUnidentifiedAsync(conn, pass.Unidentified, ct);
                    kept = await KeepOlderFactsAsync(conn, school.Skolenhetskod, importId, dates, pass.UnidentifiedQuarantined, ct);
                    written -= kept.Discarded;
                    phases.Mark("keep older facts");
                }

                var shrink = olderFacts ? await ShrinkAsync(conn, school.Skolenhetskod, importId, dates, ct) : default;
                phases.Mark("shrink check");
                if (shrink.Share > options.Value.MaxShrinkShare && !allowShrink)
                {
                    await tx.RollbackAsync(ct);
                    var message =
                        $"{fileName}: held back, nothing imported: it would remove {shrink.Days:N0} of the {shrink.Before:N0} facts (pupil school days) " +
                        $"the school's earlier exports hold for its dates ({shrink.Share:P1}, the limit is {options.Value.MaxShrinkShare:P1}): " +
                        $"{shrink.Pupils:N0} pupils would lose days{(shrink.PupilsGone > 0 ? $", {shrink.PupilsGone:N0} of them every day" : "")}. " +
                        "A file cut off on its way here looks exactly like this. If the school really did remove them, import it with " +
                        $"`skolnarvaro import --school {school.Skolenhetskod} --allow-shrink {fileName}`.";
                    return await RejectAsync(school, profile, path, sha, runId, message, rowsRead, [], ct, problemCount, protectedCount, lines,
                        heldBack: true);
                }

                replaced = olderFacts ? await ReplaceOlderFactsAsync(conn, school.Skolenhetskod, importId, dates, ct) : 0;
                phases.Mark("replace older facts");
            }

            await QuarantineStore.InsertAsync(conn, importId, problems, ct);
            var imported = rowsRead - problemCount - protectedCount;
            var summary =
                $"{fileName}: imported {imported} rows into {written} facts ({replaced} older facts replaced), " +
                $"{problemCount} quarantined, {protectedCount} protected-identity rows skipped.{note} Lines: {lines}.{kept.Note}" +
                (conflicts > 0 ? $" {conflicts} pupils have another name here than stored or than on an earlier line of this file: see `skolnarvaro quarantine --school {school.Skolenhetskod}`." : "");
            await Exec(conn, """
                update import_file f set
                    rows_read = @read, rows_imported = @imported, rows_quarantined = @quarantined, rows_protected = @protected,
                    facts_written = @written, facts_replaced = @replaced, facts_kept = @kept, message = @message,
                    period_from = coalesce(s.lo, f2.lo), period_to = coalesce(s.hi, f2.hi),
                    lessons_scheduled = nullif(@lessons, 0), lessons_registered = nullif(@registered, 0),
                    lines_total = @lTotal, lines_imported = @lImported, lines_quarantined = @lQuarantined, lines_protected = @lProtected,
                    lines_blank = @lBlank, lines_header = @lHeader
                from (select min(period_from) lo, max(period_to) hi from stage_snapshot) s,
                     (select min(d) lo, max(d) hi from unnest(@dates::date[]) d) f2
                where f.id = @id
                """, ct, ("read", (int)rowsRead), ("imported", (int)imported), ("quarantined", (int)problemCount),
                ("protected", (int)protectedCount), ("written", (int)written), ("replaced", (int)replaced), ("kept", (int)kept.Total), ("message", summary), ("id", importId),
                ("lessons", (int)pass.Lessons), ("registered", (int)pass.Registered), ("dates", pass.Dates.Dates().ToArray()),
                ("lTotal", lines.Total), ("lImported", lines.Imported), ("lQuarantined", lines.Quarantined), ("lProtected", lines.Protected),
                ("lBlank", lines.Blank), ("lHeader", lines.Header));

            phases.Mark("record");
            await tx.CommitAsync(ct);
            phases.Mark("commit");
            logger.LogInformation("{Summary} {Seconds:N1} s: {Phases}.", summary, phases.Total.TotalSeconds, phases);
            return new ImportResult(path, ImportStatus.Imported, importId, rowsRead, imported, problemCount, protectedCount, written, replaced, summary)
            {
                Lines = lines,
                FactsKept = kept.Total,
                Phases = phases,
            };
        }
        finally
        {
            reader.Dispose();
        }
    }

    /// <summary>
    /// Bytes that are not text in the profile's encoding reject the file: read anyway they would be stored as
    /// replacement characters (UTF-8) or as mojibake (a UTF-8 file read as Windows-1252).
    /// </summary>
    private static (int Line, string Message)? EncodingProblem(ResolvedProfile profile, FileScan scan, string path)
    {
        if (scan.FirstReplacementCharacter is { } r)
        {
            return (r.Line, $"line {r.Line}, byte {r.Offset}: the file holds the replacement character U+FFFD, so an earlier conversion " +
                "already lost characters; export it again from the school's system");
        }

        if (profile.Encoding is UTF8Encoding && scan.FirstInvalidUtf8 is { } cut && FileSniff.IsCutUtf8Character(path, cut.Offset))
        {
            return (cut.Line, $"line {cut.Line}, byte {cut.Offset}: a character is cut in two (bytes of a UTF-8 character are missing), in a file " +
                "that is otherwise UTF-8: the file was damaged on its way here; export it again from the school's system");
        }

        if (profile.Encoding is UTF8Encoding && scan.FirstInvalidUtf8 is { } bad)
        {
            return (bad.Line, $"line {bad.Line}, byte {bad.Offset}: not valid UTF-8, the encoding of profile '{profile.Name}'; " +
                "it looks like Windows-1252: set Encoding in the school's ProfileOverrides (\"Encoding\": \"windows-1252\")");
        }

        if (profile.Encoding is not UTF8Encoding && scan.IsValidUtf8 && scan.FirstNonAscii is { } utf8)
        {
            return (utf8.Line, $"line {utf8.Line}, byte {utf8.Offset}: the file is UTF-8 but profile '{profile.Name}' reads {profile.Encoding.WebName}, which would garble every å, ä and ö; " +
                "it looks like UTF-8: set Encoding in the school's ProfileOverrides (\"Encoding\": \"utf-8\")");
        }

        return null;
    }

    private static async Task CopyGuardedAsync(NpgsqlConnection conn, IReadOnlyCollection<byte[]> pupils, CancellationToken ct)
    {
        if (pupils.Count == 0)
        {
            return;
        }

        await using var copy = await conn.BeginBinaryImportAsync("copy stage_guarded (pupil_key) from stdin (format binary)", ct);
        foreach (var key in pupils.Distinct(Parsing.ByteContent.Instance))
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(key, NpgsqlDbType.Bytea, ct);
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task CopyUnidentifiedAsync(NpgsqlConnection conn, List<(string? Name, DateOnly? Date)> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var copy = await conn.BeginBinaryImportAsync("copy stage_unidentified (name, date) from stdin (format binary)", ct);
        foreach (var (name, date) in rows)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync((object?)name ?? DBNull.Value, NpgsqlDbType.Text, ct);
            await copy.WriteAsync((object?)date ?? DBNull.Value, NpgsqlDbType.Date, ct);
        }

        await copy.CompleteAsync(ct);
    }

    /// <summary>
    /// A quarantined row never removes or shrinks a fact. The broken field may be the very date or personnummer, so the rule
    /// is wider than the row: a pupil with a quarantined row keeps every older fact of the file's dates whole (the file's
    /// fact of that day, made of the rows left, is discarded); a pupil the file's valid rows leave out keeps theirs; and
    /// when a quarantined row's pupil could not be read at all, every older pupil-day the valid rows do not bring is kept.
    /// </summary>
    private static async Task<KeptFacts> KeepOlderFactsAsync(
        NpgsqlConnection conn, string school, long importId, DateOnly[] dates, bool unidentified, CancellationToken ct)
    {
        // A row whose personnummer is unreadable is the pupil of its name, in this file or among the school's pupils; a row
        // whose name names nobody may be anyone's, so its date (or, unreadable too, every date of the file) is kept for all.
        await Exec(conn, """
            insert into stage_guarded (pupil_key)
            select s.pupil_key from stage_unidentified u join stage_pupil s on lower(trim(s.first_name || ' ' || s.last_name)) = lower(u.name)
            union
            select p.pupil_key from stage_unidentified u join pupil p on lower(trim(p.first_name || ' ' || p.last_name)) = lower(u.name)
            where exists (select 1 from enrolment e where e.pupil_key = p.pupil_key and e.skolenhetskod = @school);

            create temp table stage_anyone on commit drop as
            select u.date from stage_unidentified u
            where u.name is null
               or (not exists (select 1 from stage_pupil s where lower(trim(s.first_name || ' ' || s.last_name)) = lower(u.name))
                   and not exists (select 1 from pupil p join enrolment e on e.pupil_key = p.pupil_key and e.skolenhetskod = @school
                                   where lower(trim(p.first_name || ' ' || p.last_name)) = lower(u.name)));

            insert into stage_kept (pupil_key, date, reason)
            select pupil_key, date, reason from (
                select o.pupil_key, o.date,
                       case when g.pupil_key is not null then 'quarantined'
                            when exists (select 1 from stage_anyone a where a.date is null or a.date = o.date) then 'unidentified'
                            when not exists (select 1 from stage_pupil p where p.pupil_key = o.pupil_key) then 'absent'
                            when @unidentified and not exists (
                                select 1 from attendance_fact n
                                where n.skolenhetskod = @school and n.pupil_key = o.pupil_key and n.date = o.date and n.import_file_id = @id)
                                then 'unidentified'
                       end as reason
                from attendance_fact o left join stage_guarded g using (pupil_key)
                where o.skolenhetskod = @school and o.date + 0 = any(@dates) and o.import_file_id <> @id) k
            where reason is not null
            on conflict do nothing
            """, ct, ("school", Char(school)), ("dates", dates), ("id", importId), ("unidentified", unidentified));
        var discarded = await Scalar<long>(conn, """
            with discarded as (
                delete from attendance_fact n using stage_kept k
                where n.skolenhetskod = @school and n.import_file_id = @id and n.pupil_key = k.pupil_key and n.date = k.date
                returning 1)
            select count(*) from discarded
            """, ct, ("school", Char(school)), ("id", importId));
        await using var cmd = new NpgsqlCommand("""
            select count(*) filter (where reason = 'quarantined'), count(distinct pupil_key) filter (where reason = 'quarantined'),
                   count(*) filter (where reason <> 'quarantined'), count(distinct pupil_key) filter (where reason <> 'quarantined')
            from stage_kept
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new KeptFacts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), discarded, unidentified);
    }

    /// <summary>
    /// What replacing the school's older facts of these dates would remove without a new fact in its place: pupil-days
    /// the earlier exports had and this file has not (its quarantined rows' days are kept, not removed).
    /// </summary>
    private static async Task<(long Days, long Pupils, long PupilsGone, long Before, double Share)> ShrinkAsync(
        NpgsqlConnection conn, string school, long importId, DateOnly[] dates, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            with old as (
                select o.pupil_key, o.date,
                       exists (select 1 from attendance_fact n
                               where n.skolenhetskod = @school and n.pupil_key = o.pupil_key and n.date = o.date and n.import_file_id = @id)
                       -- A pupil the file leaves out is kept when rows were quarantined, yet still tells of a cut-off file.
                       or exists (select 1 from stage_kept k where k.pupil_key = o.pupil_key and k.date = o.date and k.reason <> 'absent') as covered
                from attendance_fact o
                where o.skolenhetskod = @school and o.date + 0 = any(@dates) and o.import_file_id <> @id),
            per_pupil as (
                select pupil_key, count(*) filter (where not covered) as lost, bool_and(not covered) as all_lost from old group by pupil_key)
            select (select count(*) from old), coalesce(sum(lost), 0), count(*) filter (where lost > 0), count(*) filter (where all_lost)
            from per_pupil
            """, conn) { CommandTimeout = 0 };
        AddParameters(cmd, [("school", Char(school)), ("id", importId), ("dates", dates)]);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var before = r.GetInt64(0);
        var days = r.GetInt64(1);
        return (days, r.GetInt64(2), r.GetInt64(3), before, before == 0 ? 0 : (double)days / before);
    }

    /// <summary>
    /// Pupils stored under another name than this file gives them (the same personnummer, so the same key): recorded
    /// for the analysts and the school's quarantine listing. The file's name is taken, as before.
    /// </summary>
    private static Task<long> FindIdentityConflictsAsync(NpgsqlConnection conn, string school, long importId, string fileName, CancellationToken ct) =>
        Scalar<long>(conn, """
            with found as (
                insert into identity_conflict (import_file_id, skolenhetskod, pupil_key, line, stored_name, stored_school, file_name)
                select @id, @school, s.pupil_key, s.first_line, p.first_name || ' ' || p.last_name,
                       (select e.skolenhetskod from enrolment e where e.pupil_key = p.pupil_key order by e.last_date desc limit 1),
                       s.first_name || ' ' || s.last_name
                from stage_pupil s join pupil p using (pupil_key)
                where lower(p.first_name) <> lower(s.first_name) or lower(p.last_name) <> lower(s.last_name)
                union all
                -- One personnummer under two names within this file: its other rows were quarantined.
                select @id, @school, pupil_key, conflict_line, first_name || ' ' || last_name, @school, conflict_name
                from stage_pupil where conflict_line is not null
                returning 1)
            select count(*) from found
            """, ct, ("school", Char(school)), ("id", importId));

    private static async Task CopyPupilsAsync(NpgsqlConnection conn, IReadOnlyCollection<PupilInfo> pupils, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy stage_pupil (pupil_key, first_name, last_name, gender, birth_year, class_name, grade, first_date, last_date, first_line, conflict_line, " +
            "conflict_name) from stdin (format binary)", ct);
        // A pupil none of whose rows could be used has nothing to store.
        foreach (var p in pupils.Where(p => p.LastDate != DateOnly.MinValue))
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(p.Key, NpgsqlDbType.Bytea, ct);
            await copy.WriteAsync(p.FirstName, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(p.LastName, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(p.Gender.ToString(), NpgsqlDbType.Char, ct);
            await copy.WriteAsync(p.BirthYear, NpgsqlDbType.Integer, ct);
            await copy.WriteAsync(p.ClassName, NpgsqlDbType.Text, ct);
            if (p.Grade is { } grade)
            {
                await copy.WriteAsync(grade, NpgsqlDbType.Integer, ct);
            }
            else
            {
                await copy.WriteNullAsync(ct);
            }

            await copy.WriteAsync(p.FirstDate, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(p.LastDate, NpgsqlDbType.Date, ct);
            await copy.WriteAsync(p.FirstLine, NpgsqlDbType.Integer, ct);
            if (p.NameConflictLine is { } conflict)
            {
                await copy.WriteAsync(conflict, NpgsqlDbType.Integer, ct);
                await copy.WriteAsync(p.NameConflictName, NpgsqlDbType.Text, ct);
            }
            else
            {
                await copy.WriteNullAsync(ct);
                await copy.WriteNullAsync(ct);
            }
        }

        await copy.CompleteAsync(ct);
    }

    private static async Task<List<RowProblem>> FindDuplicateLessonsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        const string sql = """
            delete from stage_fact s using (
                select ctid, line, first_value(line) over w as first_line, row_number() over w as rn
                from stage_fact window w as (partition by pupil_key, date, start_minute order by line)) d
            where s.ctid = d.ctid and d.rn > 1
            returning d.line, d.first_line, s.pupil_key
            """;
        var found = new List<RowProblem>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found.Add(new RowProblem(r.GetInt32(0), null, null, $"duplicate row: same pupil and lesson as line {r.GetInt32(1)}, which was kept")
                { PupilKey = r.GetFieldValue<byte[]>(2) });
        }

        return found;
    }

    /// <summary>A lessons file read lesson by lesson: a pupil-day whose lessons add up to more than a day holds is quarantined whole.</summary>
    private static async Task<List<RowProblem>> FindOverlongDaysAsync(NpgsqlConnection conn, int maxMinutesPerDay, CancellationToken ct)
    {
        const string sql = """
            with over as (select pupil_key, date, sum(scheduled) total from stage_fact group by pupil_key, date having sum(scheduled) > @max)
            delete from stage_fact s using over o where s.pupil_key = o.pupil_key and s.date = o.date
            returning s.line, s.pupil_key, s.date, o.total
            """;
        var found = new List<RowProblem>();
        await using var cmd = new NpgsqlCommand(sql, conn);
        cmd.Parameters.AddWithValue("max", maxMinutesPerDay);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            found.Add(new RowProblem(r.GetInt32(0), null, null, StagingPass.OverlongDay(r.GetInt64(3), maxMinutesPerDay))
                { PupilKey = r.GetFieldValue<byte[]>(1), Date = r.GetFieldValue<DateOnly>(2) });
        }

        return found;
    }

    private static Task MergePupilsAsync(NpgsqlConnection conn, string school, CancellationToken ct) => Exec(conn, """
        insert into pupil (pupil_key, first_name, last_name, gender, birth_year, updated_at)
        select pupil_key, first_name, last_name, gender, birth_year, now() from stage_pupil
        on conflict (pupil_key) do update set
            first_name = excluded.first_name, last_name = excluded.last_name, updated_at = excluded.updated_at;

        insert into enrolment (pupil_key, skolenhetskod, class_name, grade, first_date, last_date)
        select pupil_key, @school, class_name, grade, first_date, last_date from stage_pupil
        on conflict (pupil_key, skolenhetskod) do update set
            class_name = case when excluded.last_date >= enrolment.last_date then excluded.class_name else enrolment.class_name end,
            grade = case when excluded.last_date >= enrolment.last_date then excluded.grade else enrolment.grade end,
            first_date = least(enrolment.first_date, excluded.first_date),
            last_date = greatest(enrolment.last_date, excluded.last_date);
        """, ct, ("school", Char(school)));

    /// <summary>Lessons and days: the school's facts on the dates this file covers are replaced by the file's.</summary>
    /// <summary>A lessons file read lesson by lesson: its lessons are added up per pupil and day from staging.</summary>
    private static async Task<(long Written, DateOnly[] Dates)> MergeStagedFactsAsync(
        NpgsqlConnection conn, string school, long importId, CancellationToken ct)
    {
        // Subjects new to the school get the next codes (the school's import lock is held).
        await Exec(conn, """
            insert into school_subject (skolenhetskod, code, name)
            select @school, (select coalesce(max(code), -1) from school_subject where skolenhetskod = @school) + row_number() over (order by subject), subject
            from (select distinct subject from stage_fact where subject is not null) s
            where not exists (select 1 from school_subject x where x.skolenhetskod = @school and x.name = s.subject)
            """, ct, ("school", Char(school)));

        var written = await Scalar<long>(conn, """
            with inserted as (
                insert into attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id, subjects)
                select @school, d.pupil_key, d.date, d.scheduled, d.excused, d.unexcused, d.late, d.not_reported, @id, s.packed
                from (select pupil_key, date, sum(scheduled) scheduled, sum(excused) excused, sum(unexcused) unexcused, sum(late) late,
                             sum(not_reported) not_reported
                      from stage_fact group by pupil_key, date) d
                left join (
                    -- Packed as migration 0006 describes: code, lessons, unreported, absent.
                    select pupil_key, date,
                           string_agg(set_byte(set_byte(set_byte(set_byte('\x00000000'::bytea, 0, n.code), 1, least(lessons, 255)),
                                      2, least(unreported, 255)), 3, least(absent, 255)), ''::bytea order by n.code) packed
                    from (select pupil_key, date, subject, count(*)::int lessons,
                                 count(*) filter (where not_reported > 0)::int unreported,
                                 count(*) filter (where excused + unexcused > 0)::int absent
                          from stage_fact where subject is not null group by pupil_key, date, subject) per_subject
                    join school_subject n on n.skolenhetskod = @school and n.name = per_subject.subject
                    group by pupil_key, date) s using (pupil_key, date)
                -- In key order the primary-key index is filled page by page instead of at random: twice as fast.
                order by d.pupil_key, d.date
                returning 1)
            select count(*) from inserted
            """, ct, ("school", Char(school)), ("id", importId));
        var dates = await Scalar<DateOnly[]>(conn, "select coalesce(array_agg(distinct date), '{}') from stage_fact", ct);
        return (written, dates);
    }

    private static async Task<Dictionary<string, byte>> SubjectCodesAsync(NpgsqlConnection conn, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select name, code from school_subject where skolenhetskod = @school", conn);
        var parameter = Char(school);
        parameter.ParameterName = "school";
        cmd.Parameters.Add(parameter);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var codes = new Dictionary<string, byte>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
        {
            codes[r.GetString(0)] = (byte)r.GetInt16(1);
        }

        return codes;
    }

    /// <summary>
    /// A newer export replaces the school's facts on the dates it covers, for every pupil: they are now the file's, except
    /// the pupil-days kept because rows were quarantined (<see cref="KeepOlderFactsAsync"/>), until a file brings them whole.
    /// </summary>
    private static Task<long> ReplaceOlderFactsAsync(NpgsqlConnection conn, string school, long importId, DateOnly[] dates, CancellationToken ct) =>
        Scalar<long>(conn, """
            with deleted as (
                delete from attendance_fact o
                -- "date + 0": the dates as an index condition on the key's third column make PostgreSQL walk the school's
                -- whole index once per date (13 s for a term's 65 dates and 1.3 M facts); as a filter it is one walk.
                where o.skolenhetskod = @school and o.date + 0 = any(@dates) and o.import_file_id <> @id
                  and not exists (select 1 from stage_kept k where k.pupil_key = o.pupil_key and k.date = o.date)
                returning 1)
            select count(*) from deleted
            """, ct, ("school", Char(school)), ("dates", dates), ("id", importId));

    /// <summary>
    /// Summary exports are cumulative: each pupil's new snapshot is differenced against the previous one of the same
    /// term (same start date) and the difference spread over the weekdays in between. The first snapshot of a term
    /// counts from the term start. A cumulative value that went down means the school corrected earlier figures: the
    /// pupil's whole term so far is then recomputed from the new snapshot.
    /// </summary>
    private static async Task<(long Written, long Replaced, string Note)> MergeSnapshotsAsync(
        NpgsqlConnection conn, string school, long importId, CancellationToken ct)
    {
        await Exec(conn, """
            create temp table snapshot_delta on commit drop as
            with prev as (
                select distinct on (c.pupil_key) c.pupil_key, p.period_to, p.scheduled_min, p.excused_min, p.unexcused_min
                from stage_snapshot c
                join summary_snapshot p on p.skolenhetskod = @school and p.pupil_key = c.pupil_key
                    and p.period_from = c.period_from and p.period_to < c.period_to
                order by c.pupil_key, p.period_to desc)
            select c.pupil_key, c.period_from, c.period_to,
                   case when p.pupil_key is null then 'first'
                        when c.scheduled < p.scheduled_min or c.excused < p.excused_min or c.unexcused < p.unexcused_min then 'decreased'
                        else 'delta' end as kind,
                   coalesce(p.period_to, c.period_from - 1) as prev_to,
                   c.scheduled - coalesce(p.scheduled_min, 0) as d_scheduled,
                   c.excused - coalesce(p.excused_min, 0) as d_excused,
                   c.unexcused - coalesce(p.unexcused_min, 0) as d_unexcused,
                   c.scheduled, c.excused, c.unexcused
            from stage_snapshot c left join prev p using (pupil_key);

            update snapshot_delta set prev_to = period_from - 1, d_scheduled = scheduled, d_excused = excused, d_unexcused = unexcused
            where kind = 'decreased';
            """, ct, ("school", Char(school)));

        var replaced = await Scalar<long>(conn, """
            with deleted as (
                delete from attendance_fact f using snapshot_delta d
                where f.skolenhetskod = @school and f.pupil_key = d.pupil_key and f.date > d.prev_to and f.date <= d.period_to
                returning 1)
            select count(*) from deleted
            """, ct, ("school", Char(school)));

        var written = await Scalar<long>(conn, """
            with inserted as (
                insert into attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id)
                select @school, d.pupil_key, day.date,
                       d.d_scheduled / day.n + case when day.rn <= d.d_scheduled % day.n then 1 else 0 end,
                       d.d_excused / day.n + case when day.rn <= d.d_excused % day.n then 1 else 0 end,
                       d.d_unexcused / day.n + case when day.rn <= d.d_unexcused % day.n then 1 else 0 end,
                       0, 0, @id
                from snapshot_delta d
                cross join lateral (
                    select g::date as date, row_number() over (order by g) as rn, count(*) over () as n
                    from generate_series(d.prev_to + 1, d.period_to, interval '1 day') g
                    where extract(isodow from g) < 6) day
                returning 1)
            select count(*) from inserted
            """, ct, ("school", Char(school)), ("id", importId));

        // A difference over days without a weekday (a snapshot taken on a Sunday after one taken on the Friday) goes
        // onto the last weekday on or before the snapshot, so that no minute is lost.
        await Exec(conn, """
            with orphan as (
                select d.pupil_key, d.d_scheduled, d.d_excused, d.d_unexcused,
                       (select max(g)::date from generate_series(d.period_to - 6, d.period_to, interval '1 day') g
                        where extract(isodow from g) < 6) as day
                from snapshot_delta d
                where not exists (select 1 from generate_series(d.prev_to + 1, d.period_to, interval '1 day') g where extract(isodow from g) < 6)
                  and (d.d_scheduled, d.d_excused, d.d_unexcused) <> (0, 0, 0)),
            updated as (
                update attendance_fact f set
                    scheduled_min = f.scheduled_min + o.d_scheduled, excused_min = f.excused_min + o.d_excused,
                    unexcused_min = f.unexcused_min + o.d_unexcused
                from orphan o
                where f.skolenhetskod = @school and f.pupil_key = o.pupil_key and f.date = o.day
                returning f.pupil_key)
            insert into attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id)
            select @school, o.pupil_key, o.day, o.d_scheduled, o.d_excused, o.d_unexcused, 0, 0, @id
            from orphan o where o.pupil_key not in (select pupil_key from updated)
            """, ct, ("school", Char(school)), ("id", importId));

        await Exec(conn, """
            insert into summary_snapshot (skolenhetskod, pupil_key, period_from, period_to, scheduled_min, excused_min, unexcused_min, import_file_id)
            select @school, pupil_key, period_from, period_to, scheduled, excused, unexcused, @id from stage_snapshot
            on conflict (skolenhetskod, pupil_key, period_to) do update set
                period_from = excluded.period_from, scheduled_min = excluded.scheduled_min, excused_min = excluded.excused_min,
                unexcused_min = excluded.unexcused_min, import_file_id = excluded.import_file_id
            """, ct, ("school", Char(school)), ("id", importId));

        await using var cmd = new NpgsqlCommand("select kind, count(*) from snapshot_delta group by kind order by kind", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var counts = new Dictionary<string, long>();
        while (await r.ReadAsync(ct))
        {
            counts[r.GetString(0)] = r.GetInt64(1);
        }

        var note = $" Summary snapshot: {counts.GetValueOrDefault("delta")} pupils differenced against their previous snapshot, " +
                   $"{counts.GetValueOrDefault("first")} first snapshots of the term counted from its start";
        note += counts.TryGetValue("decreased", out var decreased) && decreased > 0
            ? $", {decreased} with a cumulative value lower than before (a correction by the school): their term so far was recomputed."
            : ".";
        return (written, replaced, note);
    }

    private Task<ImportResult> RejectAsync(
        SchoolSettings school, ResolvedProfile profile, string path, byte[] sha, long? runId, string message, long rowsRead,
        IReadOnlyList<RowProblem> problems, CancellationToken ct, long? problemCount = null, long protectedCount = 0, LineAccount? lines = null,
        bool heldBack = false) =>
        RecordAsync(school, profile, path, sha, runId, "Rejected", message, rowsRead, problems, problemCount, protectedCount, ct, lines, heldBack);

    private async Task<ImportResult> RecordAsync(
        SchoolSettings school, ResolvedProfile profile, string path, byte[] sha, long? runId, string status, string message, long rowsRead,
        IReadOnlyList<RowProblem> problems, long? problemCount, long protectedCount, CancellationToken ct, LineAccount? lines = null,
        bool heldBack = false)
    {
        // The rejection is recorded on its own: the file's data is gone with the rolled-back transaction, its reasons are not.
        message = QuarantineMasking.ForStorage(message);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await schools.UpsertAsync(conn, school, ct);
        var id = await Scalar<long>(conn, """
            insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, rows_read, rows_quarantined,
                                     rows_protected, message, run_id, held_back, lines_total, lines_imported, lines_quarantined, lines_protected,
                                     lines_blank, lines_header)
            values (@school, @file, @sha, @profile, @kind, @status, @now, @read, @bad, @protected, @message, @run, @heldBack, @lTotal, @lImported,
                    @lQuarantined, @lProtected, @lBlank, @lHeader) returning id
            """, ct, ("school", Char(school.Skolenhetskod)), ("file", Path.GetFileName(path)), ("sha", sha), ("profile", profile.Name),
            ("kind", profile.Kind.ToString()), ("status", status), ("now", time.GetUtcNow()), ("read", (int)rowsRead),
            ("bad", (int)(problemCount ?? problems.Count)), ("protected", (int)protectedCount), ("message", message),
            ("run", (object?)runId ?? DBNull.Value), ("heldBack", heldBack),
            ("lTotal", (object?)lines?.Total ?? DBNull.Value), ("lImported", (object?)lines?.Imported ?? DBNull.Value),
            ("lQuarantined", (object?)lines?.Quarantined ?? DBNull.Value), ("lProtected", (object?)lines?.Protected ?? DBNull.Value),
            ("lBlank", (object?)lines?.Blank ?? DBNull.Value), ("lHeader", (object?)lines?.Header ?? DBNull.Value));
        await QuarantineStore.InsertAsync(conn, id, problems, ct);
        await tx.CommitAsync(ct);
        logger.LogWarning("{Message}", message);
        return new ImportResult(path, status == "Failed" ? ImportStatus.Failed : ImportStatus.Rejected, id, rowsRead, 0,
            problemCount ?? problems.Count, protectedCount, 0, 0, message)
        {
            HeldBack = heldBack,
            Lines = lines,
        };
    }

    /// <summary>An error's message as it is recorded: our own words, but they may quote what the database was sent.</summary>
    private static string Shortened(string message) => message.Length <= 500 ? message : message[..500] + "…";

    /// <summary>
    /// A skolenhetskod typed as the columns' char(8): sent as text, PostgreSQL would compare the column cast to text and
    /// could not use the index (a whole-table scan of the facts instead of one school's rows).
    /// </summary>
    internal static NpgsqlParameter Char(string skolenhetskod) => new() { NpgsqlDbType = NpgsqlDbType.Char, Value = skolenhetskod };

    private static void AddParameters(NpgsqlCommand cmd, (string Name, object Value)[] args)
    {
        foreach (var (name, value) in args)
        {
            if (value is NpgsqlParameter typed)
            {
                typed.ParameterName = name;
                cmd.Parameters.Add(typed);
            }
            else
            {
                cmd.Parameters.AddWithValue(name, value);
            }
        }
    }

    internal static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        // No command timeout: an import's merge of millions of rows takes as long as it takes (the whole import is one transaction).
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        AddParameters(cmd, args);

        await cmd.ExecuteNonQueryAsync(ct);
    }

    internal static async Task<T> Scalar<T>(NpgsqlConnection conn, string sql, CancellationToken ct, params (string Name, object Value)[] args)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 0 };
        AddParameters(cmd, args);

        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default! : result is T same ? same : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
