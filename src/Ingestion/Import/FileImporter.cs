using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Import.Checks;
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
            return await RejectAsync(new ImportedFile(school, profile, path, [], runId),
                Rejection.Whole($"{Path.GetFileName(path)}: rejected, nothing read: {refusal}.", 1, refusal), ct);
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
            return await RejectAsync(new ImportedFile(school, profile, path, [], runId),
                Rejection.Whole($"{Path.GetFileName(path)}: rejected, nothing imported: {e.Reason}.", e.Line, e.Reason), outer);
        }
        catch (OperationCanceledException) when (timeCap.IsCancellationRequested && !outer.IsCancellationRequested)
        {
            var reason = $"the import took longer than {limits.MaxFileImportTime} (Skolnarvaro:MaxFileImportTime) and was stopped";
            return await RejectAsync(new ImportedFile(school, profile, path, scan?.Sha256 ?? [], runId),
                Rejection.Whole($"{Path.GetFileName(path)}: rejected, nothing imported: {reason}.", 1, reason), outer);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a verdict on the file but a failure of ours: left as a trace on import_file, then thrown for the caller
            // (and Hangfire) to handle. Its message may quote a value: masked like any other.
            var message = $"{Path.GetFileName(path)}: the import failed, nothing imported: {Shortened(QuarantineMasking.MaskValue(e.Message))}";
            try
            {
                await RecordAsync(new ImportedFile(school, profile, path, scan?.Sha256 ?? [], runId), "Failed", new Rejection(message, []), outer);
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

    /// <summary>
    /// The import proper, under the school's lock and in one transaction, as a sequence of steps: the file's bytes are
    /// checked, its rows read into staging (or straight into the facts), the rows checked, the pupils stored, the facts
    /// merged (a shrink holds the file back), and the import recorded. Any check that refuses the file rolls it all back.
    /// </summary>
    private async Task<ImportResult> ImportScannedAsync(
        SchoolSettings school, ResolvedProfile profile, string path, FileScan scan, Task<KeyOrder?> planning, ImportPhases phases,
        IProgress<ImportProgress>? progress, long? runId, bool allowShrink, DateOnly today, CancellationToken ct)
    {
        var file = new ImportedFile(school, profile, path, scan.Sha256, runId);
        progress = progress is null ? null : new ImportProgress.ForFile(progress, Path.GetFileName(path));
        var rules = new PlausibilityRules(plausibility.Value, today);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockSchoolAsync(conn, school.Skolenhetskod, ct);
        if (await AlreadyImportedAsync(conn, file, ct) is { } already)
        {
            return already;
        }

        if (ImportChecks.BeforeReading(file.Name, path, profile, scan) is { } unreadable)
        {
            return await RollBackAndRejectAsync(tx, file, unreadable, ct);
        }

        await CreateStagingTablesAsync(conn, ct);
        ExportReader OpenReader(KeyOrder? order) => new(path, profile, hasher, rules, scan, order);
        ReaderSlot reader;
        try
        {
            reader = new ReaderSlot(OpenReader(null));
        }
        catch (ExportFormatException e)
        {
            return await RollBackAndRejectAsync(tx, file, Rejection.Whole(e.Message, 1, e.Message), ct);
        }

        using (reader)
        {
            LogExtraColumns(file.Name, reader.Current);
            var started = await RecordStartAsync(conn, file, ct);
            phases.Mark("setup");
            Staged staged;
            try
            {
                staged = await ReadAsync(conn, file, reader, OpenReader, started, scan, planning, phases, progress, rules.Options.MaxMinutesPerDay, ct);
            }
            catch (FileRejectedException e)
            {
                var message = $"{file.Name}: rejected, nothing imported: line {e.Line}: {e.Reason}.";
                return await RollBackAndRejectAsync(tx, file, Rejection.Whole(message, e.Line, e.Reason) with { RowsRead = reader.Current.RowsRead }, ct);
            }

            if (ImportChecks.AfterReading(file.Name, staged.Read, options.Value.MaxBadRowShare) is { } bad)
            {
                return await RollBackAndRejectAsync(tx, file, bad, ct);
            }

            var conflicts = await StorePupilsAndSubjectsAsync(conn, file, staged, started, phases, ct);
            var merged = await MergeAsync(conn, file, staged, started, allowShrink, phases, ct);
            if (merged.HeldBack is { } held)
            {
                return await RollBackAndRejectAsync(tx, file, held, ct);
            }

            return await RecordAndCommitAsync(conn, tx, file, staged, started, merged, conflicts, phases, ct);
        }
    }

    /// <summary>The file being imported, as its record and any rejection of it name it.</summary>
    private sealed record ImportedFile(SchoolSettings School, ResolvedProfile Profile, string Path, byte[] Sha, long? RunId)
    {
        public string Name => System.IO.Path.GetFileName(Path);
        public string Skolenhetskod => School.Skolenhetskod;
    }

    /// <summary>The file's reader, replaced when the file is read again in another order; the last one is disposed.</summary>
    private sealed class ReaderSlot(ExportReader first) : IDisposable
    {
        public ExportReader Current { get; private set; } = first;

        public void Replace(ExportReader next)
        {
            Current.Dispose();
            Current = next;
        }

        public void Dispose() => Current.Dispose();
    }

    /// <param name="OlderFacts">Whether the school had facts before this file, asked under the school's lock.</param>
    private sealed record Started(long ImportId, bool OlderFacts, Dictionary<string, byte> StoredSubjects, SubjectCodes SubjectCodes);

    /// <param name="Direct">The facts were written straight into attendance_fact while parsing, not staged.</param>
    private sealed record Staged(StagingPass Pass, bool Direct, RowsRead Read);

    /// <param name="HeldBack">The file would remove too many older facts: nothing of it is kept.</param>
    private sealed record Merged(long Written, long Replaced, string Note, KeptFacts Kept, Rejection? HeldBack = null);

    private async Task<ImportResult> RollBackAndRejectAsync(NpgsqlTransaction tx, ImportedFile file, Rejection rejection, CancellationToken ct)
    {
        await tx.RollbackAsync(ct);
        return await RejectAsync(file, rejection, ct);
    }

    /// <summary>One import per school at a time: replacement and summary differencing depend on the order of files.</summary>
    private static async Task LockSchoolAsync(NpgsqlConnection conn, string school, CancellationToken ct)
    {
        // Sorting and adding up a term of facts spills to disk with the default 4 MB.
        await Exec(conn, "set local work_mem = '256MB'", ct);
        await Exec(conn, "select pg_advisory_xact_lock(hashtext('import:' || @school))", ct, ("school", Char(school)));
    }

    private async Task<ImportResult?> AlreadyImportedAsync(NpgsqlConnection conn, ImportedFile file, CancellationToken ct)
    {
        var existing = await Scalar<long?>(conn,
            "select id from import_file where skolenhetskod = @school and content_sha256 = @sha and status = 'Imported'",
            ct, ("school", Char(file.Skolenhetskod)), ("sha", file.Sha));
        if (existing is not { } id)
        {
            return null;
        }

        // Debug: files stay in the inbox, and every night would otherwise log each of them again; the inbox says it once.
        logger.LogDebug("{File} for school {School} was already imported as #{Id}", file.Name, file.Skolenhetskod, id);
        return ImportResult.AlreadyImported(file.Path, id);
    }

    private static Task CreateStagingTablesAsync(NpgsqlConnection conn, CancellationToken ct) => Exec(conn, """
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

    private void LogExtraColumns(string fileName, ExportReader reader)
    {
        if (reader.ExtraColumns.Count > 0)
        {
            logger.LogInformation("{File}: ignoring columns the profile does not use: {Columns}", fileName,
                string.Join(", ", reader.ExtraColumns.Take(12)) + (reader.ExtraColumns.Count > 12 ? $" and {reader.ExtraColumns.Count - 12} more" : ""));
        }
    }

    /// <summary>
    /// The import is recorded first so facts can be written under its id as they are parsed; a rejection rolls it back
    /// with everything else and records itself afresh.
    /// </summary>
    private async Task<Started> RecordStartAsync(NpgsqlConnection conn, ImportedFile file, CancellationToken ct)
    {
        await schools.UpsertAsync(conn, file.School, ct);
        var importId = await Scalar<long>(conn, """
            insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, run_id)
            values (@school, @file, @sha, @profile, @kind, 'Imported', @now, @run) returning id
            """, ct, ("school", Char(file.Skolenhetskod)), ("file", file.Name), ("sha", file.Sha), ("profile", file.Profile.Name),
            ("kind", file.Profile.Kind.ToString()), ("now", time.GetUtcNow()), ("run", (object?)file.RunId ?? DBNull.Value));

        // Whether the school has any facts yet, asked before this file's are written (under the school's lock): a first
        // import has nothing to replace, and is spared two passes over the facts it has just written.
        var olderFacts = await Scalar<bool>(conn, "select exists (select 1 from attendance_fact where skolenhetskod = @school)",
            ct, ("school", Char(file.Skolenhetskod)));
        await Exec(conn, "savepoint direct_write", ct);
        var storedSubjects = await SubjectCodesAsync(conn, file.Skolenhetskod, ct);
        return new Started(importId, olderFacts, storedSubjects, new SubjectCodes(storedSubjects));
    }

    /// <summary>Every row read into staging (or straight into the facts), then the pupils staged and lessons listed twice found.</summary>
    private async Task<Staged> ReadAsync(
        NpgsqlConnection conn, ImportedFile file, ReaderSlot reader, Func<KeyOrder?, ExportReader> open, Started started, FileScan scan,
        Task<KeyOrder?> planning, ImportPhases phases, IProgress<ImportProgress>? progress, int maxMinutesPerDay, CancellationToken ct)
    {
        var (pass, direct) = await RunPassAsync(conn, file, reader, open, started, scan, planning, phases, progress, maxMinutesPerDay, ct);
        var rows = reader.Current.RowsRead;
        var lines = reader.Current.Lines;
        var problemCount = pass.ProblemCount;
        phases.Mark("parse and COPY");
        await CopyPupilsAsync(conn, reader.Current.Pupils, ct);
        await CopyGuardedAsync(conn, pass.QuarantinedPupils, ct);
        phases.Mark("pupils");

        if (file.Profile.Kind == ExportKind.Lessons && !direct)
        {
            problemCount += await QuarantineRepeatedLessonsAsync(conn, lines, pass.Problems, maxMinutesPerDay, ct);
            phases.Mark("duplicates");
        }

        return new Staged(pass, direct, new RowsRead(rows, lines, pass.Problems, problemCount, pass.ProtectedCount));
    }

    /// <summary>
    /// Lessons listed pupil-day by pupil-day (the usual order) and days exports are written straight into attendance_fact
    /// while parsing. A lessons file in another order is read again into staging and added up there.
    /// </summary>
    private async Task<(StagingPass Pass, bool Direct)> RunPassAsync(
        NpgsqlConnection conn, ImportedFile file, ReaderSlot reader, Func<KeyOrder?, ExportReader> open, Started started, FileScan scan,
        Task<KeyOrder?> planning, ImportPhases phases, IProgress<ImportProgress>? progress, int maxMinutesPerDay, CancellationToken ct)
    {
        var length = Math.Max(1, scan.Length);
        var kind = file.Profile.Kind;
        var direct = kind != ExportKind.Summary;
        if (direct && !started.OlderFacts && await planning is { } order && order.Fits(scan, reader.Current.PersonnummerColumn))
        {
            // A school's first import, read pupil by pupil in key order: PostgreSQL appends to the primary key's
            // rightmost page instead of searching and splitting it everywhere (half the server's work for the facts).
            reader.Replace(open(order));
            phases.Mark("key order");
        }

        var pass = await StagingPass.RunAsync(conn, reader.Current, kind, groupLessons: true, length, progress, ct,
            direct ? (file.Skolenhetskod, started.ImportId, started.SubjectCodes) : null, phases: phases, maxMinutesPerDay: maxMinutesPerDay);
        if (!pass.Recurred)
        {
            return (pass, direct);
        }

        logger.LogInformation("{File}: a pupil's day appears in more than one place in the file; reading it again lesson by lesson", file.Name);
        await Exec(conn, "rollback to savepoint direct_write", ct);
        reader.Replace(open(null));
        phases.Mark("parse and COPY (abandoned)");
        pass = await StagingPass.RunAsync(conn, reader.Current, kind, groupLessons: false, length, progress, ct,
            subjectLimit: new SubjectCodes(started.StoredSubjects), phases: phases, maxMinutesPerDay: maxMinutesPerDay);
        return (pass, false);
    }

    /// <summary>
    /// Read lesson by lesson, a lesson listed twice is found set-based (the first row wins), and a day whose lessons add up
    /// to more than a day holds is quarantined whole. Returns how many rows were quarantined.
    /// </summary>
    private static async Task<long> QuarantineRepeatedLessonsAsync(
        NpgsqlConnection conn, LineAccount lines, List<RowProblem> problems, int maxMinutesPerDay, CancellationToken ct)
    {
        var duplicates = await FindDuplicateLessonsAsync(conn, ct);
        duplicates.AddRange(await FindOverlongDaysAsync(conn, maxMinutesPerDay, ct));
        lines.Requarantine(duplicates.Count);
        problems.AddRange(duplicates.Take(Math.Max(0, MaxStoredProblems - problems.Count)));
        await CopyGuardedAsync(conn, duplicates.Select(d => d.PupilKey!).Distinct(Parsing.ByteContent.Instance).ToList(), ct);
        return duplicates.Count;
    }

    /// <summary>Identity conflicts recorded, the pupils and their enrolment merged, subjects new to the school stored. Returns the conflicts.</summary>
    private static async Task<long> StorePupilsAndSubjectsAsync(
        NpgsqlConnection conn, ImportedFile file, Staged staged, Started started, ImportPhases phases, CancellationToken ct)
    {
        var conflicts = await FindIdentityConflictsAsync(conn, file.Skolenhetskod, started.ImportId, file.Name, ct);
        phases.Mark("identity check");
        await MergePupilsAsync(conn, file.Skolenhetskod, ct);
        phases.Mark("merge pupils");
        if (staged.Direct)
        {
            await Exec(conn, """
                insert into school_subject (skolenhetskod, code, name)
                select @school, code, name from unnest(@codes, @names) as s(code, name)
                """, ct, ("school", Char(file.Skolenhetskod)),
                ("codes", started.SubjectCodes.Added.Select(a => (short)a.Code).ToArray()), ("names", started.SubjectCodes.Added.Select(a => a.Name).ToArray()));
        }

        return conflicts;
    }

    private async Task<Merged> MergeAsync(
        NpgsqlConnection conn, ImportedFile file, Staged staged, Started started, bool allowShrink, ImportPhases phases, CancellationToken ct)
    {
        if (file.Profile.Kind != ExportKind.Summary)
        {
            return await MergeFactsAsync(conn, file, staged, started, allowShrink, phases, ct);
        }

        var (written, replaced, note) = await MergeSnapshotsAsync(conn, file.Skolenhetskod, started.ImportId, ct);
        phases.Mark("merge snapshots");
        return new Merged(written, replaced, note, KeptFacts.None);
    }

    /// <summary>
    /// Lessons and days: the file's facts merged, the older facts of pupils with quarantined rows kept, the shrink checked,
    /// and the school's older facts of the file's dates replaced.
    /// </summary>
    private async Task<Merged> MergeFactsAsync(
        NpgsqlConnection conn, ImportedFile file, Staged staged, Started started, bool allowShrink, ImportPhases phases, CancellationToken ct)
    {
        var (school, importId, pass) = (file.Skolenhetskod, started.ImportId, staged.Pass);
        var (written, dates) = staged.Direct ? (pass.Facts, pass.Dates.Dates().ToArray()) : await MergeStagedFactsAsync(conn, school, importId, ct);
        phases.Mark("merge facts");
        var kept = KeptFacts.None;
        if (started.OlderFacts && staged.Read.ProblemCount > 0)
        {
            await CopyUnidentifiedAsync(conn, pass.Unidentified, ct);
            kept = await KeepOlderFactsAsync(conn, school, importId, dates, pass.UnidentifiedQuarantined, ct);
            written -= kept.Discarded;
            phases.Mark("keep older facts");
        }

        var shrink = started.OlderFacts ? await ShrinkAsync(conn, school, importId, dates, ct) : default;
        phases.Mark("shrink check");
        var maxShrink = options.Value.MaxShrinkShare;
        if (ShrinkCheck.HoldsBack(shrink, maxShrink, allowShrink))
        {
            var stray = await StrayRowsNoteAsync(conn, school, importId, pass.Weeks, file.Profile, ct);
            return new Merged(0, 0, "", kept, ShrinkCheck.HeldBack(file.Name, school, shrink, maxShrink, staged.Read, stray));
        }

        var replaced = started.OlderFacts ? await ReplaceOlderFactsAsync(conn, school, importId, dates, ct) : 0;
        phases.Mark("replace older facts");
        return new Merged(written, replaced, "", kept);
    }

    /// <summary>The quarantined rows stored, the import's counts and summary recorded on import_file, and all committed.</summary>
    private async Task<ImportResult> RecordAndCommitAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, ImportedFile file, Staged staged, Started started, Merged merged, long conflicts,
        ImportPhases phases, CancellationToken ct)
    {
        var read = staged.Read;
        await QuarantineStore.InsertAsync(conn, started.ImportId, read.Problems, ct);
        var imported = read.Rows - read.ProblemCount - read.ProtectedCount;
        var summary =
            $"{file.Name}: imported {imported} rows into {merged.Written} facts ({merged.Replaced} older facts replaced), " +
            $"{read.ProblemCount} quarantined, {read.ProtectedCount} protected-identity rows skipped.{merged.Note} Lines: {read.Lines}.{merged.Kept.Note}" +
            (conflicts > 0 ? $" {conflicts} pupils have another name here than stored or than on an earlier line of this file: see `skolnarvaro quarantine --school {file.Skolenhetskod}`." : "");
        await RecordImportedAsync(conn, started.ImportId, staged, merged, imported, summary, ct);
        phases.Mark("record");
        await tx.CommitAsync(ct);
        phases.Mark("commit");
        logger.LogInformation("{Summary} {Seconds:N1} s: {Phases}.", summary, phases.Total.TotalSeconds, phases);
        return new ImportResult(file.Path, ImportStatus.Imported, started.ImportId, read.Rows, imported, read.ProblemCount, read.ProtectedCount,
            merged.Written, merged.Replaced, summary)
        {
            Lines = read.Lines,
            FactsKept = merged.Kept.Total,
            Phases = phases,
        };
    }

    private static Task RecordImportedAsync(
        NpgsqlConnection conn, long importId, Staged staged, Merged merged, long imported, string summary, CancellationToken ct)
    {
        var (read, lines, pass) = (staged.Read, staged.Read.Lines, staged.Pass);
        return Exec(conn, """
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
            """, ct, ("read", (int)read.Rows), ("imported", (int)imported), ("quarantined", (int)read.ProblemCount),
            ("protected", (int)read.ProtectedCount), ("written", (int)merged.Written), ("replaced", (int)merged.Replaced), ("kept", (int)merged.Kept.Total),
            ("message", summary), ("id", importId),
            ("lessons", (int)pass.Lessons), ("registered", (int)pass.Registered), ("dates", pass.Dates.Dates().ToArray()),
            ("lTotal", lines.Total), ("lImported", lines.Imported), ("lQuarantined", lines.Quarantined), ("lProtected", lines.Protected),
            ("lBlank", lines.Blank), ("lHeader", lines.Header));
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
    private static async Task<Shrink> ShrinkAsync(
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
        return new Shrink(days, r.GetInt64(2), r.GetInt64(3), before, before == 0 ? 0 : (double)days / before);
    }

    /// <summary>What of a shrink falls on the dates of stray rows of another week, named by line; empty when nothing does.</summary>
    private static async Task<string> StrayRowsNoteAsync(
        NpgsqlConnection conn, string school, long importId, FileWeeks weeks, ResolvedProfile profile, CancellationToken ct)
    {
        var strays = weeks.StrayDates();
        if (strays.Count == 0)
        {
            return "";
        }

        var dates = strays.Select(s => s.Date).ToArray();
        var lost = (await ShrinkAsync(conn, school, importId, dates, ct)).Days;
        return FileWeeks.Note(strays, weeks.MainSpan(dates), lost, profile.Columns[ExportField.Date], profile.DateFormat);
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
        await DifferenceSnapshotsAsync(conn, school, ct);
        var replaced = await RemoveDifferencedDaysAsync(conn, school, ct);
        var written = await SpreadDifferencesAsync(conn, school, importId, ct);
        await PutWeekendDifferencesOnAWeekdayAsync(conn, school, importId, ct);
        await StoreSnapshotsAsync(conn, school, importId, ct);
        return (written, replaced, await SnapshotNoteAsync(conn, ct));
    }

    /// <summary>Each pupil's snapshot against their previous one of the same term: a first, a difference, or a decrease.</summary>
    private static Task DifferenceSnapshotsAsync(NpgsqlConnection conn, string school, CancellationToken ct) =>
        Exec(conn, """
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

    /// <summary>The facts of the days a difference covers (the whole term so far after a decrease) make room for it.</summary>
    private static Task<long> RemoveDifferencedDaysAsync(NpgsqlConnection conn, string school, CancellationToken ct) =>
        Scalar<long>(conn, """
            with deleted as (
                delete from attendance_fact f using snapshot_delta d
                where f.skolenhetskod = @school and f.pupil_key = d.pupil_key and f.date > d.prev_to and f.date <= d.period_to
                returning 1)
            select count(*) from deleted
            """, ct, ("school", Char(school)));

    /// <summary>Each difference spread evenly over the weekdays it covers, what does not divide a minute each on the first of them.</summary>
    private static Task<long> SpreadDifferencesAsync(NpgsqlConnection conn, string school, long importId, CancellationToken ct) =>
        Scalar<long>(conn, """
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

    /// <summary>
    /// A difference over days without a weekday (a snapshot taken on a Sunday after one taken on the Friday) goes onto the
    /// last weekday on or before the snapshot, so that no minute is lost.
    /// </summary>
    private static Task PutWeekendDifferencesOnAWeekdayAsync(NpgsqlConnection conn, string school, long importId, CancellationToken ct) =>
        Exec(conn, """
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

    /// <summary>The snapshots themselves, for the next file to be differenced against.</summary>
    private static Task StoreSnapshotsAsync(NpgsqlConnection conn, string school, long importId, CancellationToken ct) =>
        Exec(conn, """
            insert into summary_snapshot (skolenhetskod, pupil_key, period_from, period_to, scheduled_min, excused_min, unexcused_min, import_file_id)
            select @school, pupil_key, period_from, period_to, scheduled, excused, unexcused, @id from stage_snapshot
            on conflict (skolenhetskod, pupil_key, period_to) do update set
                period_from = excluded.period_from, scheduled_min = excluded.scheduled_min, excused_min = excluded.excused_min,
                unexcused_min = excluded.unexcused_min, import_file_id = excluded.import_file_id
            """, ct, ("school", Char(school)), ("id", importId));

    /// <summary>The sentence the import's summary gives the snapshots: how many were differenced, first, or corrections.</summary>
    private static async Task<string> SnapshotNoteAsync(NpgsqlConnection conn, CancellationToken ct)
    {
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
        return note;
    }

    private Task<ImportResult> RejectAsync(ImportedFile file, Rejection rejection, CancellationToken ct) => RecordAsync(file, "Rejected", rejection, ct);

    private async Task<ImportResult> RecordAsync(ImportedFile file, string status, Rejection rejection, CancellationToken ct)
    {
        // The rejection is recorded on its own: the file's data is gone with the rolled-back transaction, its reasons are not.
        var message = QuarantineMasking.ForStorage(rejection.Message);
        var (lines, problemCount) = (rejection.Lines, rejection.ProblemCount ?? rejection.Problems.Count);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await schools.UpsertAsync(conn, file.School, ct);
        var id = await Scalar<long>(conn, """
            insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, rows_read, rows_quarantined,
                                     rows_protected, message, run_id, held_back, lines_total, lines_imported, lines_quarantined, lines_protected,
                                     lines_blank, lines_header)
            values (@school, @file, @sha, @profile, @kind, @status, @now, @read, @bad, @protected, @message, @run, @heldBack, @lTotal, @lImported,
                    @lQuarantined, @lProtected, @lBlank, @lHeader) returning id
            """, ct, ("school", Char(file.Skolenhetskod)), ("file", file.Name), ("sha", file.Sha), ("profile", file.Profile.Name),
            ("kind", file.Profile.Kind.ToString()), ("status", status), ("now", time.GetUtcNow()), ("read", (int)rejection.RowsRead),
            ("bad", (int)problemCount), ("protected", (int)rejection.ProtectedCount), ("message", message),
            ("run", (object?)file.RunId ?? DBNull.Value), ("heldBack", rejection.HeldBack),
            ("lTotal", (object?)lines?.Total ?? DBNull.Value), ("lImported", (object?)lines?.Imported ?? DBNull.Value),
            ("lQuarantined", (object?)lines?.Quarantined ?? DBNull.Value), ("lProtected", (object?)lines?.Protected ?? DBNull.Value),
            ("lBlank", (object?)lines?.Blank ?? DBNull.Value), ("lHeader", (object?)lines?.Header ?? DBNull.Value));
        await QuarantineStore.InsertAsync(conn, id, rejection.Problems, ct);
        await tx.CommitAsync(ct);
        logger.LogWarning("{Message}", message);
        return new ImportResult(file.Path, status == "Failed" ? ImportStatus.Failed : ImportStatus.Rejected, id, rejection.RowsRead, 0,
            problemCount, rejection.ProtectedCount, 0, 0, message)
        {
            HeldBack = rejection.HeldBack,
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
