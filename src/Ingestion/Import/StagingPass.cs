using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Ingestion.Parsing;
using Skolnarvaro.Ingestion.Profiles;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// One reading of a file into the staging tables: parsing on one thread, binary COPY on another, overlapping.
/// Repeated days and snapshots are found in memory (a date bitmap per pupil). A lessons export that lists each
/// pupil's day together — the usual case — is added up per pupil and day before COPY, so PostgreSQL receives one row
/// per day instead of one per lesson. If a pupil's day turns up again later in the file, the pass stops with
/// <see cref="Recurred"/> set and the importer reads the file again lesson by lesson.
/// </summary>
internal sealed class StagingPass
{
    private const int BatchSize = 8192;
    private const int MaxStoredProblems = 10_000;

    public long ProblemCount { get; private set; }
    public long ProtectedCount { get; private set; }
    public List<RowProblem> Problems { get; } = [];
    public bool Recurred { get; private set; }
    /// <summary>The dates the file has facts for, and how many facts and lessons it gave.</summary>
    public DaySet Dates { get; } = new();
    /// <summary>The facts per date and week with their first lines, to name stray rows of another week.</summary>
    public FileWeeks Weeks { get; } = new();
    public long Facts { get; private set; }
    public long Lessons { get; private set; }
    public long Registered { get; private set; }
    /// <summary>Pupils with a quarantined row whose personnummer could be read: their older facts of the file's dates are kept.</summary>
    public HashSet<byte[]> QuarantinedPupils { get; } = new(Parsing.ByteContent.Instance);
    /// <summary>A row was quarantined whose pupil could not be read: it may be any pupil's.</summary>
    public bool UnidentifiedQuarantined => Unidentified.Count > 0;
    /// <summary>
    /// The name and date of each quarantined row whose personnummer could not be read, as far as they could: the import
    /// finds the pupil by name, or keeps the date (or, with neither, the file's dates) for everyone.
    /// </summary>
    public List<(string? Name, DateOnly? Date)> Unidentified { get; } = [];

    /// <param name="direct">
    /// When set, facts go straight into attendance_fact under this school and import instead of into stage_fact:
    /// parsing then overlaps with the final write too. Only for grouped lessons and days, whose rows are one per
    /// pupil and day by construction.
    /// </param>
    public static async Task<StagingPass> RunAsync(
        NpgsqlConnection conn, ExportReader reader, ExportKind kind, bool groupLessons, long fileLength, IProgress<ImportProgress>? progress, CancellationToken ct,
        (string School, long ImportId, SubjectCodes Subjects)? direct = null, SubjectCodes? subjectLimit = null, ImportPhases? phases = null,
        int maxMinutesPerDay = int.MaxValue)
    {
        var pass = new StagingPass { maxMinutesPerDay = maxMinutesPerDay };
        var started = Stopwatch.GetTimestamp();
        var batches = new BatchQueue();
        var parse = Task.Run(async () =>
        {
            try
            {
                await pass.ParseAsync(reader, kind, groupLessons, direct?.Subjects, subjectLimit, batches.Writer, fileLength, progress, ct);
                pass.parseTime = Stopwatch.GetElapsedTime(started);
                batches.Writer.Complete();
            }
            catch (Exception e)
            {
                batches.Writer.Complete(e);
            }
        }, ct);

        if (kind == ExportKind.Summary)
        {
            await CopySnapshotsAsync(conn, batches, phases, ct);
        }
        else
        {
            await CopyFactsAsync(conn, batches, direct, phases, ct);
        }

        await parse;
        progress?.Report(new ImportProgress("", fileLength, fileLength, reader.RowsRead));
        if (phases is not null)
        {
            // The parsing thread's own work, and what the COPY side waited for it: parsing is the bottleneck when the
            // COPY side waited, PostgreSQL when the parser waited for room in the queue.
            phases.Add("parsing (busy)", pass.parseTime - pass.parseWaited);
            phases.Add("parser waited for COPY", pass.parseWaited);
            phases.Add("COPY waited for parser", batches.CopyWaited);
        }

        return pass;
    }

    private static async Task CopySnapshotsAsync(NpgsqlConnection conn, BatchQueue batches, ImportPhases? phases, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            "copy stage_snapshot (pupil_key, period_from, period_to, scheduled, excused, unexcused, line) from stdin (format binary)", ct);
        await foreach (var (_, snapshots, count) in batches.ReadAllAsync(ct))
        {
            for (var i = 0; i < count; i++)
            {
                WriteSnapshot(copy, in snapshots[i]);
            }
        }

        var completing = Stopwatch.GetTimestamp();
        await copy.CompleteAsync(ct);
        phases?.Add("COPY completion", Stopwatch.GetElapsedTime(completing));
    }

    private static async Task CopyFactsAsync(
        NpgsqlConnection conn, BatchQueue batches, (string School, long ImportId, SubjectCodes Subjects)? direct, ImportPhases? phases, CancellationToken ct)
    {
        await using var copy = await BinaryCopy.BeginAsync(conn, direct is null
            ? "copy stage_fact (pupil_key, date, start_minute, scheduled, excused, unexcused, late, not_reported, lessons, registered, line, subject) from stdin (format binary)"
            : "copy attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id, " +
              "subjects) from stdin (format binary)", ct);
        var school = direct is { } s ? System.Text.Encoding.UTF8.GetBytes(s.School) : [];
        var subjectBytes = new Dictionary<string, byte[]>(ReferenceEqualityComparer.Instance);
        await foreach (var (facts, _, count) in batches.ReadAllAsync(ct))
        {
            for (var i = 0; i < count; i++)
            {
                if (direct is { } d)
                {
                    WriteFinalFact(copy, in facts[i], school, d.ImportId);
                }
                else
                {
                    WriteFact(copy, in facts[i], subjectBytes);
                }
            }

            await copy.FlushIfFullAsync(ct);
        }

        var completing = Stopwatch.GetTimestamp();
        await copy.CompleteAsync(ct);
        phases?.Add("COPY completion", Stopwatch.GetElapsedTime(completing));
    }

    private static FactRow[] RentFacts(ExportKind kind) => kind == ExportKind.Summary ? [] : ArrayPool<FactRow>.Shared.Rent(BatchSize);

    private static SnapshotRow[] RentSnapshots(ExportKind kind) => kind == ExportKind.Summary ? ArrayPool<SnapshotRow>.Shared.Rent(BatchSize) : [];

    private int maxMinutesPerDay = int.MaxValue;
    private TimeSpan parseTime;

    /// <summary>Why a pupil-day of lessons is quarantined whole when its lessons add up to more than a day holds.</summary>
    internal static string OverlongDay(long total, int max) =>
        $"the pupil's lessons of this day add up to {total} scheduled minutes, more than the {max} a day holds " +
        "(Skolnarvaro:Plausibility:MaxMinutesPerDay); the whole day is quarantined";
    private TimeSpan parseWaited;

    // The per-row loop stays whole on purpose: it runs for each of millions of rows, and its cases read as the rules.
    private async Task ParseAsync(
        ExportReader reader, ExportKind kind, bool groupLessons, SubjectCodes? codes, SubjectCodes? subjectLimit,
        ChannelWriter<(FactRow[], SnapshotRow[], int)> output, long fileLength,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        // The file's start, so the rate a reader shows is over the whole file even when it is read in one batch.
        progress?.Report(new ImportProgress("", 0, fileLength, 0));
        var batch = new OutgoingBatch(this, kind, output, reader, fileLength, progress, ct);
        var day = new DayGroup(codes);
        // Subjects are checked against the school's 255 codes whichever way the file is read.
        var subjectCheck = codes ?? subjectLimit;
        while (reader.Read())
        {
            ct.ThrowIfCancellationRequested();
            switch (reader.Outcome)
            {
                case RowOutcome.Protected:
                    ProtectedCount++;
                    break;
                case RowOutcome.Problem:
                    AddProblem(reader.Problem!);
                    break;
                case RowOutcome.Snapshot:
                    if (!reader.CurrentPupil!.Seen.Add(reader.Snapshot.To))
                    {
                        Requarantine(reader, "duplicate row: the same pupil and snapshot date appeared earlier in the file, which was kept", reader.Snapshot.PupilKey, null);
                        break;
                    }

                    await batch.AddAsync(reader.Snapshot);
                    break;
                case RowOutcome.Fact when kind == ExportKind.Days:
                    if (!reader.CurrentPupil!.Seen.Add(reader.Fact.Date))
                    {
                        Requarantine(reader, "duplicate row: the same pupil and day appeared earlier in the file, which was kept", reader.Fact.PupilKey, reader.Fact.Date);
                        break;
                    }

                    await EmitAsync(batch, reader.Fact);
                    break;
                case RowOutcome.Fact when reader.Fact.Subject is { } subject && subjectCheck is not null && !subjectCheck.TryFor(subject, out _):
                    Requarantine(reader, "one subject more than the 255 a school can have: this row's subject is new and the school already has 255",
                        reader.Fact.PupilKey, reader.Fact.Date);
                    break;
                case RowOutcome.Fact when !groupLessons:
                    await EmitAsync(batch, reader.Fact);
                    break;
                case RowOutcome.Fact:
                    var lesson = reader.Fact;
                    if (day.Is(lesson))
                    {
                        if (day.FirstLineOf(lesson.StartMinute) is { } first)
                        {
                            Requarantine(reader, $"duplicate row: same pupil and lesson as line {first}, which was kept", lesson.PupilKey, lesson.Date);
                        }
                        else
                        {
                            day.Add(lesson);
                        }

                        break;
                    }

                    if (day.HasRows)
                    {
                        await EmitDayAsync(batch, day, reader);
                    }

                    if (!reader.CurrentPupil!.Seen.Add(lesson.Date))
                    {
                        Recurred = true;
                        return;
                    }

                    day.Start(lesson);
                    break;
            }
        }

        if (day.HasRows)
        {
            await EmitDayAsync(batch, day, reader);
        }

        await batch.SendLastAsync();
    }

    /// <summary>A pupil's day of lessons added up, unless it holds more minutes than a day has.</summary>
    private async ValueTask EmitDayAsync(OutgoingBatch batch, DayGroup day, ExportReader reader)
    {
        if (day.Scheduled <= maxMinutesPerDay)
        {
            await EmitAsync(batch, day.Total());
            return;
        }

        // More minutes than a day holds: which lesson is wrong cannot be told, so none of the day is taken.
        var (key, date, total) = (day.PupilKey, day.Date, day.Scheduled);
        foreach (var line in day.Lines())
        {
            reader.Lines.Requarantine();
            AddProblem(new RowProblem(line, null, null, OverlongDay(total, maxMinutesPerDay)) { PupilKey = key, Date = date });
        }
    }

    private ValueTask EmitAsync(OutgoingBatch batch, FactRow fact)
    {
        Facts++;
        Lessons += fact.Lessons;
        Registered += fact.Registered;
        Dates.Add(fact.Date);
        Weeks.Add(fact.Date, fact.Line);
        return batch.AddAsync(fact);
    }

    /// <summary>The current row goes back to quarantine, with the reason.</summary>
    private void Requarantine(ExportReader reader, string reason, byte[] pupilKey, DateOnly? date)
    {
        reader.Lines.Requarantine();
        AddProblem(new RowProblem(reader.Line, null, null, reason) { PupilKey = pupilKey, Date = date });
    }

    /// <summary>The rows being gathered for the COPY side; sent when full, with the parser's wait for room counted.</summary>
    private sealed class OutgoingBatch(
        StagingPass pass, ExportKind kind, ChannelWriter<(FactRow[], SnapshotRow[], int)> output, ExportReader reader, long fileLength,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        private FactRow[] facts = RentFacts(kind);
        private SnapshotRow[] snapshots = RentSnapshots(kind);
        private int n;

        public ValueTask AddAsync(in FactRow fact)
        {
            facts[n++] = fact;
            return n == BatchSize ? SendAsync() : ValueTask.CompletedTask;
        }

        public ValueTask AddAsync(in SnapshotRow snapshot)
        {
            snapshots[n++] = snapshot;
            return n == BatchSize ? SendAsync() : ValueTask.CompletedTask;
        }

        public ValueTask SendLastAsync() => output.WriteAsync((facts, snapshots, n), ct);

        private async ValueTask SendAsync()
        {
            var waiting = Stopwatch.GetTimestamp();
            await output.WriteAsync((facts, snapshots, n), ct);
            pass.parseWaited += Stopwatch.GetElapsedTime(waiting);
            facts = RentFacts(kind);
            snapshots = RentSnapshots(kind);
            n = 0;
            progress?.Report(new ImportProgress("", reader.BytesRead, fileLength, reader.RowsRead));
        }
    }

    /// <summary>The batches between the parsing thread and the COPY side, and how long the COPY side waited for them.</summary>
    private sealed class BatchQueue
    {
        private readonly Channel<(FactRow[] Facts, SnapshotRow[] Snapshots, int Count)> channel =
            Channel.CreateBounded<(FactRow[] Facts, SnapshotRow[] Snapshots, int Count)>(4);

        public ChannelWriter<(FactRow[] Facts, SnapshotRow[] Snapshots, int Count)> Writer => channel.Writer;

        public TimeSpan CopyWaited { get; private set; }

        public async IAsyncEnumerable<(FactRow[] Facts, SnapshotRow[] Snapshots, int Count)> ReadAllAsync(
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            while (true)
            {
                if (!channel.Reader.TryRead(out var batch))
                {
                    var waiting = Stopwatch.GetTimestamp();
                    var more = await channel.Reader.WaitToReadAsync(ct);
                    CopyWaited += Stopwatch.GetElapsedTime(waiting);
                    if (!more)
                    {
                        yield break;
                    }

                    continue;
                }

                yield return batch;
                // Written by now: the arrays go back for the next batches (each is large enough for the large-object heap,
                // which only a full collection empties: allocated anew, they grew the import's memory with the file).
                if (batch.Facts.Length > 0)
                {
                    ArrayPool<FactRow>.Shared.Return(batch.Facts, clearArray: true);
                }

                if (batch.Snapshots.Length > 0)
                {
                    ArrayPool<SnapshotRow>.Shared.Return(batch.Snapshots, clearArray: true);
                }
            }
        }
    }

    private void AddProblem(RowProblem problem)
    {
        ProblemCount++;
        if (problem.PupilKey is { } key)
        {
            QuarantinedPupils.Add(key);
        }
        else if (!problem.ProtectedIdentity)
        {
            // Past the cap, one entry without name or date stands for the rest: every pupil's older facts are kept.
            if (Unidentified.Count < MaxStoredProblems)
            {
                Unidentified.Add((problem.Name, problem.Date));
            }
            else if (Unidentified[^1] != (null, null))
            {
                Unidentified.Add((null, null));
            }
        }

        if (Problems.Count < MaxStoredProblems)
        {
            Problems.Add(problem);
        }
    }

    private static void WriteFact(BinaryCopy copy, in FactRow f, Dictionary<string, byte[]> subjectBytes)
    {
        copy.StartRow(12);
        copy.Write(f.PupilKey);
        copy.Write(f.Date);
        copy.Write(f.StartMinute);
        copy.Write(f.Scheduled);
        copy.Write(f.Excused);
        copy.Write(f.Unexcused);
        copy.Write(f.Late);
        copy.Write(f.NotReported);
        copy.Write(f.Lessons);
        copy.Write(f.Registered);
        copy.Write(f.Line);
        if (f.Subject is { } subject)
        {
            // A file has a handful of subjects, each one string (ExportReader): encoded once.
            if (!subjectBytes.TryGetValue(subject, out var bytes))
            {
                subjectBytes[subject] = bytes = System.Text.Encoding.UTF8.GetBytes(subject);
            }

            copy.Write(bytes);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void WriteFinalFact(BinaryCopy copy, in FactRow f, byte[] school, long importId)
    {
        copy.StartRow(10);
        copy.Write(school);
        copy.Write(f.PupilKey);
        copy.Write(f.Date);
        copy.Write(f.Scheduled);
        copy.Write(f.Excused);
        copy.Write(f.Unexcused);
        copy.Write(f.Late);
        copy.Write(f.NotReported);
        copy.Write(importId);
        if (f.Subjects is { } subjects)
        {
            copy.Write(subjects);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void WriteSnapshot(NpgsqlBinaryImporter copy, in SnapshotRow s)
    {
        copy.StartRow();
        copy.Write(s.PupilKey, NpgsqlDbType.Bytea);
        copy.Write(s.From, NpgsqlDbType.Date);
        copy.Write(s.To, NpgsqlDbType.Date);
        copy.Write(s.Scheduled, NpgsqlDbType.Integer);
        copy.Write(s.Excused, NpgsqlDbType.Integer);
        copy.Write(s.Unexcused, NpgsqlDbType.Integer);
        copy.Write(s.Line, NpgsqlDbType.Integer);
    }

    /// <summary>The lessons of one pupil's day being added up; a handful of start times to catch a lesson listed twice.</summary>
    private sealed class DayGroup(SubjectCodes? codes)
    {
        private readonly List<(int Start, int Line)> lessons = [];
        private readonly List<(byte Code, int Lessons, int Unreported, int Absent)> subjects = [];
        private readonly Dictionary<string, byte> codeOf = new(ReferenceEqualityComparer.Instance);
        private const int MaxSharedPatterns = 1 << 16;
        private readonly Dictionary<byte[], byte[]> packedSeen = new(Parsing.ByteContent.Instance);
        private byte[] scratch = new byte[64];
        private FactRow total;

        public bool HasRows => lessons.Count > 0;

        public int Scheduled => total.Scheduled;

        public byte[] PupilKey => total.PupilKey;

        public DateOnly Date => total.Date;

        /// <summary>The lines of the day's lessons; the day is then done with.</summary>
        public List<int> Lines()
        {
            var lines = lessons.Select(l => l.Line).ToList();
            lessons.Clear();
            return lines;
        }

        public bool Is(in FactRow lesson) => HasRows && ReferenceEquals(lesson.PupilKey, total.PupilKey) && lesson.Date == total.Date;

        public int? FirstLineOf(int start)
        {
            foreach (var (s, line) in lessons)
            {
                if (s == start)
                {
                    return line;
                }
            }

            return null;
        }

        public void Start(in FactRow lesson)
        {
            lessons.Clear();
            subjects.Clear();
            total = lesson with { StartMinute = -1, Subject = null };
            lessons.Add((lesson.StartMinute, lesson.Line));
            AddSubject(lesson);
        }

        public void Add(in FactRow lesson)
        {
            lessons.Add((lesson.StartMinute, lesson.Line));
            AddSubject(lesson);
            total = total with
            {
                Scheduled = total.Scheduled + lesson.Scheduled,
                Excused = total.Excused + lesson.Excused,
                Unexcused = total.Unexcused + lesson.Unexcused,
                Late = total.Late + lesson.Late,
                NotReported = total.NotReported + lesson.NotReported,
                Lessons = total.Lessons + lesson.Lessons,
                Registered = total.Registered + lesson.Registered,
            };
        }

        public FactRow Total()
        {
            lessons.Clear();
            if (subjects.Count == 0)
            {
                return total;
            }

            // By code, in place (a handful of subjects; List.Sort with a comparison allocates on every call).
            for (var i = 1; i < subjects.Count; i++)
            {
                var s = subjects[i];
                var j = i - 1;
                for (; j >= 0 && subjects[j].Code > s.Code; j--)
                {
                    subjects[j + 1] = subjects[j];
                }

                subjects[j + 1] = s;
            }

            // Packed into scratch space and shared: pupils' days repeat the same few patterns (every lesson attended,
            // say), so most days need no array of their own. The facts only ever read them.
            var length = subjects.Count * 4;
            if (scratch.Length < length)
            {
                scratch = new byte[length];
            }

            SubjectPacking.Pack(subjects, scratch);
            var bytes = scratch.AsSpan(0, length);
            if (!packedSeen.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(bytes, out var packed))
            {
                packed = bytes.ToArray();
                if (packedSeen.Count < MaxSharedPatterns)
                {
                    packedSeen.Add(packed, packed);
                }
            }

            return total with { Subjects = packed };
        }

        private void AddSubject(in FactRow lesson)
        {
            if (lesson.Subject is not { } subject || codes is null)
            {
                return;
            }

            if (!codeOf.TryGetValue(subject, out var code))
            {
                codeOf[subject] = code = codes.For(subject);
            }

            var unreported = lesson.NotReported > 0 ? 1 : 0;
            var absent = lesson.Excused + lesson.Unexcused > 0 ? 1 : 0;
            for (var i = 0; i < subjects.Count; i++)
            {
                if (subjects[i].Code == code)
                {
                    var s = subjects[i];
                    subjects[i] = (code, s.Lessons + 1, s.Unreported + unreported, s.Absent + absent);
                    return;
                }
            }

            subjects.Add((code, 1, unreported, absent));
        }
    }
}
