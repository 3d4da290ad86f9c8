using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CsvHelper;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Plausibility;
using Skolnarvaro.Ingestion.Profiles;

namespace Skolnarvaro.Ingestion.Parsing;

public enum RowOutcome { Fact, Snapshot, Problem, Protected }

/// <summary>
/// Reads one export file with its profile, row by row, streaming: memory grows with the number of pupils, not rows.
/// Each <see cref="Read"/> yields a fact, a snapshot, a problem (to quarantine) or a protected-identity row (to skip).
/// The personnummer lives only inside this reader; what leaves it is the keyed hash.
/// </summary>
public sealed class ExportReader : IDisposable
{
    private readonly CsvReader csv;
    private readonly ResolvedProfile profile;
    private readonly PupilKeyHasher hasher;
    private readonly DateOnly today;
    private readonly PlausibilityRules rules;
    private readonly FileScan scan;
    private readonly string fileName;
    // Columns whose values may hold a line break (names, subjects); in any other (personnummer, class, dates, times,
    // minutes, status) a line break means a quote went astray.
    private readonly HashSet<int> multiLineColumns = [];
    private int nextLine = 2;
    private byte[]? rowPupilKey;
    private DateOnly? rowDate;
    private readonly Dictionary<string, int> index = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, PupilInfo> pupils = [];
    // The pupil of each personnummer as written in the file: a file listed day by day meets each pupil again every few
    // rows, and finds them here without parsing the personnummer again.
    private readonly Dictionary<byte[], PupilInfo> pupilsByBytes = new(ByteContent.Instance);
    private readonly Dictionary<string, LessonStatus> statusByCode;
    private readonly (byte[] Code, LessonStatus Status)[] statusBytes;
    private readonly byte fastTime;
    private readonly List<(byte[] Bytes, string? Name)> subjects = [];
    private readonly byte[] lastDateBytes = new byte[32];
    private int lastDateLength = -1;
    private readonly byte[] lastPnrBytes = new byte[32];
    private int lastPnrLength;
    private PupilInfo? lastPupil;
    private DateOnly lastDate;
    // The plausibility verdicts of the last date checked: a pupil's lessons of one day share it.
    private DateOnly? checkedDate;
    private string? dateProblem;
    private string? schoolDayProblem;
    // The columns read on every row, looked up once (the index is keyed by field name).
    private readonly int pnrColumn;
    private readonly int classColumn;
    private readonly int subjectColumn;
    private readonly int dateColumn;
    private readonly int startColumn;
    private readonly int lengthColumn;
    private readonly int statusColumn;
    private readonly int absentColumn;
    private readonly bool isoDates;
    // A quote that opens a field and is never closed makes the rest of the file one record (CsvHelper recovers that
    // way): the line CsvHelper reports it on.
    private long unclosedQuoteLine;

    // The order the rows are read in when it is not the file's (a school's first import, pupil by pupil in key order), and
    // the block the last line was found in.
    private readonly KeyOrder? order;
    private int orderCursor;

    public ExportReader(string path, ResolvedProfile profile, PupilKeyHasher hasher, PlausibilityRules rules, FileScan scan)
        : this(path, profile, hasher, rules, scan, order: null)
    {
    }

    /// <param name="order">
    /// Read the pupils in this order instead of the file's (<see cref="KeyOrder"/>); every line keeps its own number.
    /// </param>
    public ExportReader(string path, ResolvedProfile profile, PupilKeyHasher hasher, PlausibilityRules rules, FileScan scan, KeyOrder? order)
    {
        this.order = order;
        this.profile = profile;
        this.hasher = hasher;
        this.rules = rules;
        this.scan = scan;
        today = rules.Today;
        fileName = Path.GetFileName(path);
        statusByCode = new Dictionary<string, LessonStatus>(profile.StatusCodes, StringComparer.OrdinalIgnoreCase);
        statusBytes = profile.StatusCodes.Select(c => (Encoding.UTF8.GetBytes(c.Key), c.Value)).ToArray();
        fastTime = profile.TimeFormat is "HH:mm" or "HH.mm" ? (byte)profile.TimeFormat[2] : (byte)0;
        var options = CsvOptions(profile.Delimiter, profile.Encoding, m =>
        {
            if (m.Reason == CsvMalformedReason.UnterminatedQuote)
            {
                unclosedQuoteLine = m.LineNumber;
            }
        });
        csv = order is null ? CsvReader.FromFile(path, options) : CsvReader.Create(order.Open(path), options, leaveOpen: false);

        var headers = csv.Headers;
        CheckHeader(path, headers);
        MapColumns(path, headers);
        pnrColumn = index[ExportField.Personnummer];
        classColumn = index[ExportField.Class];
        subjectColumn = index.GetValueOrDefault(ExportField.Subject, -1);
        dateColumn = index.GetValueOrDefault(ExportField.Date, -1);
        startColumn = index.GetValueOrDefault(ExportField.StartTime, -1);
        lengthColumn = index.GetValueOrDefault(ExportField.LengthMinutes, -1);
        statusColumn = index.GetValueOrDefault(ExportField.Status, -1);
        absentColumn = index.GetValueOrDefault(ExportField.AbsentMinutes, -1);
        isoDates = profile.DateFormat == "yyyy-MM-dd";
        var mapped = index.Values.ToHashSet();
        // Header cells are the file's content: shown only as excerpts.
        ExtraColumns = headers.Where((_, i) => !mapped.Contains(i)).Select(QuarantineMasking.Excerpt).ToList();
        MarkMultiLineColumns(headers.Count, mapped);
        Lines.Total = scan.Lines;
        Lines.Header = scan.Lines == 0 ? 0 : 1;
    }

    /// <summary>A quote left open in the header makes the lines after it part of the header: refused at line 1.</summary>
    private void CheckHeader(string path, IReadOnlyList<string> headers)
    {
        // No row would be read, and the line count could not say which line went wrong.
        if (unclosedQuoteLine == 1 || headers.Any(h => h.Contains('\n') || h.Contains('\r')))
        {
            throw new ExportFormatException(
                $"{Path.GetFileName(path)}, line 1: a quote opens a field in the header that is not closed on that line, so the lines after it " +
                "read as part of the header; close the quote or remove it.");
        }
    }

    /// <summary>Finds the profile's columns in the header; a required one missing refuses the file, naming what the header has.</summary>
    private void MapColumns(string path, IReadOnlyList<string> headers)
    {
        var missing = new List<string>();
        foreach (var field in ExportField.Required(profile.Kind).Concat(ExportField.Optional(profile.Kind)))
        {
            if (!profile.Columns.TryGetValue(field, out var header))
            {
                continue;
            }

            if (csv.TryGetFieldIndex(header, out var i))
            {
                index[field] = i;
            }
            else if (ExportField.Required(profile.Kind).Contains(field))
            {
                missing.Add($"'{header}'");
            }
        }

        if (!index.ContainsKey(ExportField.Name) && !(index.ContainsKey(ExportField.FirstName) && index.ContainsKey(ExportField.LastName)))
        {
            missing.Add(profile.Columns.TryGetValue(ExportField.Name, out var n) ? $"'{n}'" : "a name column");
        }

        if (missing.Count > 0)
        {
            // Without a header row the first data row is read as the header: none of its values may reach the message.
            var found = headers.Count == 0 ? "(no header row)"
                : headers.Any(LooksLikeData) ? "no header: line 1 holds data (its values are not shown), so the export was made without its header row"
                : string.Join(", ", headers.Take(12).Select(h => $"'{QuarantineMasking.Excerpt(h)}'")) +
                  (headers.Count > 12 ? $" and {headers.Count - 12} more" : "");
            throw new ExportFormatException(
                $"{Path.GetFileName(path)}, line 1: missing column {string.Join(", ", missing)} required by export profile " +
                $"'{profile.Name}' (delimiter '{Printable(profile.Delimiter)}'). The header has: {found}.");
        }

        CheckRenamedColumn(path, headers);
    }

    /// <summary>
    /// A column of the profile that carries attendance (late minutes, subject, total absence) missing from the header while the
    /// header has a column the profile does not know: most likely that column renamed or damaged. Read as absent, its values
    /// would become nothing in every pupil-day the file replaces, so the file is refused instead, naming both columns.
    /// </summary>
    private void CheckRenamedColumn(string path, IReadOnlyList<string> headers)
    {
        var absent = new[] { ExportField.LateMinutes, ExportField.Subject, ExportField.TotalAbsentHours }
            .Where(f => profile.Columns.ContainsKey(f) && !index.ContainsKey(f))
            .Select(f => profile.Columns[f]).FirstOrDefault();
        var mapped = index.Values.ToHashSet();
        var unknown = Enumerable.Range(0, headers.Count).Where(i => !mapped.Contains(i)).Select(i => (int?)i).FirstOrDefault();
        if (absent is not null && unknown is { } column)
        {
            throw new ExportFormatException(
                $"{Path.GetFileName(path)}, line 1, column {column + 1}: '{QuarantineMasking.Excerpt(headers[column])}' is not a column of export " +
                $"profile '{profile.Name}', and the header has no '{absent}'. A renamed or damaged header would erase the older " +
                $"values of '{absent}' in every pupil-day this file replaces: name the column as the profile does, or give the " +
                "school a profile without it.");
        }
    }

    /// <summary>Names, subjects and columns the profile does not use may hold a line break; no other column may.</summary>
    private void MarkMultiLineColumns(int columns, HashSet<int> mapped)
    {
        foreach (var field in new[] { ExportField.Name, ExportField.FirstName, ExportField.LastName, ExportField.Subject })
        {
            if (index.TryGetValue(field, out var i))
            {
                multiLineColumns.Add(i);
            }
        }

        for (var i = 0; i < columns; i++)
        {
            if (!mapped.Contains(i))
            {
                multiLineColumns.Add(i);
            }
        }
    }

    /// <summary>A header cell that is a value: digits (a personnummer, a date, minutes) never name a column.</summary>
    private static bool LooksLikeData(string cell) => cell.Count(char.IsAsciiDigit) >= 4;

    /// <summary>Where each physical line of the file went, so far.</summary>
    public LineAccount Lines { get; } = new();

    /// <summary>How every export is read with CsvHelper; public so the csv-spectrum tests read with exactly these settings.</summary>
    public static CsvReaderOptions CsvOptions(char delimiter, Encoding encoding, Action<CsvMalformedRecord> onMalformed) => new()
    {
        Separator = delimiter,
        HasHeader = true,
        TrackLineNumbers = true,
        SkipEmptyLines = true,
        TrimWhitespace = true,
        DetectSeparatorHint = false,
        IncludeValuesInExceptions = false,
        // UTF-8 is the reader's own default, which also honours a byte order mark.
        Encoding = encoding is UTF8Encoding ? null : encoding,
        // Listening for malformed records turns on CsvHelper's detection of a quote that is never closed.
        OnMalformedRecord = onMalformed,
    };

    /// <summary>Columns in the file that the profile does not use; they are ignored.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }

    /// <summary>The personnummer's column, counted from 0.</summary>
    public int PersonnummerColumn => pnrColumn;

    public RowOutcome Outcome { get; private set; }
    public FactRow Fact { get; private set; }
    public SnapshotRow Snapshot { get; private set; }
    public RowProblem? Problem { get; private set; }
    public int Line { get; private set; }
    /// <summary>The pupil of the current fact or snapshot row.</summary>
    public PupilInfo? CurrentPupil { get; private set; }
    public long RowsRead { get; private set; }
    public long BytesRead => csv.ByteOffset;
    public IReadOnlyCollection<PupilInfo> Pupils => pupils.Values;

    public bool Read()
    {
        if (!NextRecord())
        {
            return false;
        }

        RowsRead++;
        Line = order is null ? (int)csv.LineNumber : order.FileLine((int)csv.LineNumber, ref orderCursor);
        Problem = null;
        rowPupilKey = null;
        rowDate = null;
        var lastLine = Line + LineSpan - 1;
        var cutOff = !scan.EndsWithLineBreak && lastLine >= scan.Lines;
        if (Line == unclosedQuoteLine)
        {
            if (LineSpan > 1)
            {
                throw new FileRejectedException(Line,
                    $"a quote opens a field that is never closed, so lines {Line}–{lastLine} read as one field; close the quote or remove it");
            }

            if (cutOff)
            {
                throw Truncated();
            }
        }

        if (LineSpan > 1 && SwallowedLines() is { } opened)
        {
            throw new FileRejectedException(opened.Line,
                $"a quote opens field '{opened.Column}' here and closes on line {lastLine}, so the {lastLine - opened.Line} lines between read as one " +
                "field instead of rows; remove the stray quote");
        }

        try
        {
            CheckRecordShape();
            ReadRow();
        }
        catch (RowException e)
        {
            Outcome = RowOutcome.Problem;
            Problem = WhoseProblem(new RowProblem(Line, e.Column, e.Value, e.Reason) { PupilKey = rowPupilKey, Date = rowDate });
        }

        if (cutOff && (Outcome == RowOutcome.Problem || csv.FieldCount < csv.Headers.Count))
        {
            throw Truncated();
        }

        CountLines();
        return true;
    }

    /// <summary>Moves to the next record that is not blank, counting the blank lines on the way; false at the end.</summary>
    private bool NextRecord()
    {
        while (true)
        {
            if (!csv.Read())
            {
                // Lines after the last record are empty lines the reader skipped; the scan counted them on its own.
                Lines.Blank += Math.Min(scan.TrailingEmptyLines, Math.Max(0, scan.Lines - (nextLine - 1)));
                return false;
            }

            var start = (int)csv.LineNumber;
            var span = FileScan.Breaks(csv.RawRecord.TrimEnd("\r\n"u8)) + 1;
            Lines.Blank += Math.Max(0, start - nextLine);
            nextLine = start + span;
            LineSpan = span;
            if (!IsBlankRecord())
            {
                return true;
            }

            Lines.Blank += span;
        }
    }

    /// <summary>The row's lines go to the account of its outcome.</summary>
    private void CountLines()
    {
        switch (Outcome)
        {
            case RowOutcome.Problem:
                Lines.Quarantined += LineSpan;
                break;
            case RowOutcome.Protected:
                Lines.Protected += LineSpan;
                break;
            default:
                Lines.Imported += LineSpan;
                break;
        }
    }

    /// <summary>
    /// Whose row a quarantined row was, as far as it can still be read: its older facts are kept (a quarantined row never
    /// removes a fact). A row found bad before its personnummer was read (too few fields, a NUL byte) is read for it now;
    /// one whose personnummer is unreadable carries its name and date, so the import can find the pupil otherwise.
    /// </summary>
    private RowProblem WhoseProblem(RowProblem problem)
    {
        if (problem.PupilKey is not null)
        {
            return problem;
        }

        var pnrText = Cell(pnrColumn);
        if (pnrText is not null && (pnrText.Length == 0 || profile.ProtectedValues.Contains(pnrText)))
        {
            // A pupil with protected identity: nothing of theirs is stored, so nothing can be lost.
            return problem with { ProtectedIdentity = true };
        }

        if (pnrText is not null && Personnummer.TryParse(pnrText, today, out var pnr, out _) && ImplausibleBirth(pnr, pnrText) is null)
        {
            return problem with { PupilKey = hasher.KeyFor(pnr), Date = problem.Date ?? ReadableDate() };
        }

        return problem with { Date = problem.Date ?? ReadableDate(), Name = ReadableName() };
    }

    /// <summary>
    /// A birth year no pupil of the row's class can have: a century sign ('+', turned 100) or a century typed wrong in
    /// the 12-digit form would make another person of the pupil. Compulsory-school pupils are 6 to 16, give or take
    /// a few years; without a grade in the class name, anyone over 25 is not believable.
    /// </summary>
    private string? ImplausibleBirth(Personnummer pnr, string pnrText)
    {
        // Age in the year of the row's day: a file of earlier terms holds the classes of then.
        var age = (ReadableDate() ?? today).Year - pnr.BirthDate.Year;
        // A class that is itself a personnummer says nothing of the grade: the row is quarantined for that.
        var className = Cell(classColumn);
        var grade = className is not null && !QuarantineMasking.HoldsPersonnummer(className) ? PupilInfo.GradeOf(className) : null;
        var believable = grade is { } g ? age >= g + 3 && age <= g + 12 : age is >= 3 and <= 25;
        if (believable)
        {
            return null;
        }

        var sign = pnrText.Contains('+') ? " (the '+' before the last four digits says the holder has turned 100)" : "";
        return $"implausible personnummer: born {pnr.BirthDate.Year}{sign}, which no pupil " +
               (grade is { } known ? $"in grade {known}" : "in compulsory school") + " can be; check the century or the '-'/'+' sign";
    }

    private string? Cell(int column) =>
        column >= 0 && column < csv.FieldCount && !csv.GetSpan(column).Contains((byte)0) ? csv.GetString(column).Trim() : null;

    private DateOnly? ReadableDate()
    {
        var column = profile.Kind == ExportKind.Summary ? -1 : dateColumn;
        return Cell(column) is { } text && DateOnly.TryParseExact(text, profile.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date : null;
    }

    private string? ReadableName()
    {
        if (index.TryGetValue(ExportField.FirstName, out var f) && index.TryGetValue(ExportField.LastName, out var l))
        {
            return Cell(f) is { } first && Cell(l) is { } last ? $"{first} {last}".Trim() : null;
        }

        return index.TryGetValue(ExportField.Name, out var n) && Cell(n) is { } name ? NormaliseSpaces(name) : null;
    }

    private static string NormaliseSpaces(string name)
    {
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? name : $"{name[..space]} {name[(space + 1)..].Trim()}";
    }

    /// <summary>Lines the current record spans (more than one when a quoted field holds line breaks).</summary>
    public int LineSpan { get; private set; }

    private FileRejectedException Truncated() => new(Line,
        "the last line ends in the middle of a record, without a line break: the file was cut off (truncated) on its way here; " +
        "send the whole export again");

    /// <summary>
    /// A record over several lines whose multi-line field holds the separator, or that has more fields than the header,
    /// swallowed other rows: a stray quote opened the field. Returns the line the field opens on.
    /// </summary>
    private (int Line, string Column)? SwallowedLines()
    {
        var line = Line;
        for (var i = 0; i < csv.FieldCount; i++)
        {
            var field = csv.GetSpan(i);
            var breaks = FileScan.Breaks(field);
            if (breaks > 0 && (field.Contains((byte)profile.Delimiter) || csv.FieldCount > csv.Headers.Count))
            {
                return (line, i < csv.Headers.Count ? csv.Headers[i] : $"{i + 1} (beyond the header)");
            }

            line += breaks;
        }

        return null;
    }

    /// <summary>Problems of the record as a whole: bytes no text holds, fields beyond the header, misplaced line breaks.</summary>
    private void CheckRecordShape()
    {
        if (csv.RawRecord.Contains((byte)0))
        {
            for (var i = 0; i < csv.FieldCount; i++)
            {
                if (csv.GetSpan(i).Contains((byte)0))
                {
                    throw new RowException(i < csv.Headers.Count ? csv.Headers[i] : null, null, "the value holds a NUL byte (0x00), which no text may hold");
                }
            }

            throw new RowException(null, null, "the row holds a NUL byte (0x00), which no text may hold");
        }

        if (csv.FieldCount < csv.Headers.Count && index.Values.Any(i => i >= csv.FieldCount))
        {
            throw new RowException(null, null, $"the row has {csv.FieldCount} fields, the header {csv.Headers.Count}: fields are missing");
        }

        for (var i = csv.Headers.Count; i < csv.FieldCount; i++)
        {
            if (!csv.IsEmpty(i))
            {
                throw new RowException(null, null,
                    $"the row has {csv.FieldCount} fields, the header {csv.Headers.Count}: a separator or quote too many");
            }
        }

        if (LineSpan > 1)
        {
            for (var i = 0; i < Math.Min(csv.FieldCount, csv.Headers.Count); i++)
            {
                if (!multiLineColumns.Contains(i) && FileScan.Breaks(csv.GetSpan(i)) > 0)
                {
                    throw new RowException(csv.Headers[i], null, "a line break inside a value of a column that never holds one");
                }
            }
        }
    }

    /// <summary>
    /// Spreadsheets save blank rows as separators only (";;;;;;;"): like empty lines they are no row at all, not a
    /// pupil without personnummer (protected identity) nor a row that counts towards the bad-row share.
    /// </summary>
    private bool IsBlankRecord()
    {
        for (var i = 0; i < csv.FieldCount; i++)
        {
            if (!csv.IsEmpty(i))
            {
                return false;
            }
        }

        return true;
    }

    private void ReadRow()
    {
        if (ReadPupil() is not { } pupil)
        {
            Outcome = RowOutcome.Protected;
            return;
        }

        rowPupilKey = pupil.Key;
        var date = profile.Kind == ExportKind.Summary ? ReadSnapshot(pupil) : ReadFact(pupil);
        CurrentPupil = pupil;
        if (date < pupil.FirstDate)
        {
            pupil.FirstDate = date;
        }

        if (date > pupil.LastDate)
        {
            // The latest row decides the class: pupils change class during a term.
            pupil.LastDate = date;
            RefreshClass(pupil);
        }
    }

    /// <summary>The row's pupil, or null for a pupil with protected identity (an empty or a protected personnummer).</summary>
    private PupilInfo? ReadPupil()
    {
        var pnrField = csv.GetSpan(pnrColumn);
        PupilInfo pupil;
        // Exports list a pupil's rows together: the same personnummer as the row before needs no parsing or hashing.
        if (lastPupil is not null && pnrField.SequenceEqual(lastPnrBytes.AsSpan(0, lastPnrLength)))
        {
            pupil = lastPupil;
            CheckOneIdentity(pupil);
        }
        else if (pupilsByBytes.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(pnrField, out var known))
        {
            pupil = known;
            CheckOneIdentity(pupil);

            if (pnrField.Length <= lastPnrBytes.Length)
            {
                pnrField.CopyTo(lastPnrBytes);
                lastPnrLength = pnrField.Length;
                lastPupil = pupil;
            }
        }
        else
        {
            var pnrText = Encoding.UTF8.GetString(pnrField);
            if (pnrText.Length == 0 || profile.ProtectedValues.Contains(pnrText))
            {
                return null;
            }

            if (!Personnummer.TryParse(pnrText, today, out var pnr, out var pnrError))
            {
                throw new RowException(Header(ExportField.Personnummer), QuarantineMasking.MaskPersonnummer(pnrText), $"invalid personnummer: {pnrError}");
            }

            if (ImplausibleBirth(pnr, pnrText) is { } implausible)
            {
                // Not this pupil's key: the '+' of a centenarian makes another person of the pupil, whose facts are kept by name.
                throw new RowException(Header(ExportField.Personnummer), QuarantineMasking.MaskPersonnummer(pnrText), implausible);
            }

            if (!pupils.TryGetValue(pnr.Digits12, out pupil!))
            {
                pupil = new PupilInfo(hasher.KeyFor(pnr), pnr.Gender, pnr.BirthDate.Year) { FirstLine = Line };
                rowPupilKey = pupil.Key;
                ReadNameAndClass(pupil);
                pupils.Add(pnr.Digits12, pupil);
            }

            else
            {
                CheckOneIdentity(pupil);
            }

            if (pnrField.Length <= lastPnrBytes.Length)
            {
                pnrField.CopyTo(lastPnrBytes);
                lastPnrLength = pnrField.Length;
                lastPupil = pupil;
            }

            pupilsByBytes[pnrField.ToArray()] = pupil;
        }

        return pupil;
    }

    /// <summary>A summary row: the pupil's totals over a period, which ends on the date returned.</summary>
    private DateOnly ReadSnapshot(PupilInfo pupil)
    {
        var from = ParseDate(ExportField.From);
        var date = ParseDate(ExportField.To);
        if (date < from)
        {
            throw new RowException(Header(ExportField.To), Text(ExportField.To), $"period ends before it starts ({QuarantineMasking.Excerpt(Text(ExportField.From))})");
        }

        Plausible(ExportField.From, rules.CheckDate(from));
        Plausible(ExportField.To, rules.CheckDate(date));
        var scheduled = Hours(ExportField.ScheduledHours, required: true);
        var excused = Hours(ExportField.ExcusedHours, required: true);
        var unexcused = Hours(ExportField.UnexcusedHours, required: true);
        var weekdays = Weekdays(from, date);
        if (scheduled > (long)weekdays * rules.Options.MaxMinutesPerDay)
        {
            throw new RowException(Header(ExportField.ScheduledHours), Text(ExportField.ScheduledHours),
                $"more scheduled time than {weekdays} weekdays of at most {rules.Options.MaxMinutesPerDay} minutes hold " +
                "(Skolnarvaro:Plausibility:MaxMinutesPerDay)");
        }

        if (index.ContainsKey(ExportField.TotalAbsentHours))
        {
            var total = Hours(ExportField.TotalAbsentHours, required: false);
            if (Math.Abs(total - (excused + unexcused)) > 1)
            {
                throw new RowException(Header(ExportField.TotalAbsentHours), Text(ExportField.TotalAbsentHours),
                    $"total absence is not the sum of excused ({QuarantineMasking.Excerpt(Text(ExportField.ExcusedHours))}) and unexcused " +
                    $"({QuarantineMasking.Excerpt(Text(ExportField.UnexcusedHours))})");
            }
        }

        CheckAbsenceWithinScheduled(scheduled, (long)excused + unexcused, ExportField.ScheduledHours);
        Outcome = RowOutcome.Snapshot;
        Snapshot = new SnapshotRow(pupil.Key, from, date, scheduled, excused, unexcused, Line);
        return date;
    }

    /// <summary>A lessons or days row: one fact of the pupil's day, on the date returned.</summary>
    private DateOnly ReadFact(PupilInfo pupil)
    {
        var date = ParseDate(ExportField.Date, dateColumn);
        if (date != checkedDate)
        {
            checkedDate = date;
            dateProblem = rules.CheckDate(date);
            schoolDayProblem = rules.CheckSchoolDay(date);
        }

        Plausible(ExportField.Date, dateProblem);
        rowDate = date;
        var fact = profile.Kind == ExportKind.Lessons ? ReadLesson(pupil, date) : ReadDay(pupil, date);
        if (fact.Scheduled > 0)
        {
            Plausible(ExportField.Date, schoolDayProblem);
        }

        Outcome = RowOutcome.Fact;
        Fact = fact;
        return date;
    }

    private FactRow ReadLesson(PupilInfo pupil, DateOnly date)
    {
        var start = ParseTime(ExportField.StartTime, startColumn);
        var length = Int(ExportField.LengthMinutes, lengthColumn, required: true);
        if (length is <= 0 or > 600)
        {
            throw new RowException(Header(ExportField.LengthMinutes), Text(ExportField.LengthMinutes), "lesson length must be between 1 and 600 minutes");
        }

        var status = Status();

        var absent = Int(ExportField.AbsentMinutes, absentColumn, required: false);
        if (absent > length)
        {
            throw new RowException(Header(ExportField.AbsentMinutes), Text(ExportField.AbsentMinutes),
                $"absence is longer than the lesson ({length} min)");
        }

        if (status == LessonStatus.Present && absent > 0)
        {
            throw new RowException(Header(ExportField.AbsentMinutes), Text(ExportField.AbsentMinutes),
                $"status {Text(ExportField.Status).Trim()} (present) with {absent} absent minutes: either the status or the minutes are wrong");
        }

        var whole = absent == 0 ? length : absent;
        var subject = Subject();
        return status switch
        {
            LessonStatus.Present => new FactRow(pupil.Key, date, start, length, 0, 0, 0, 0, Line, 1, 1, subject),
            LessonStatus.Excused => new FactRow(pupil.Key, date, start, length, whole, 0, 0, 0, Line, 1, 1, subject),
            LessonStatus.Unexcused => new FactRow(pupil.Key, date, start, length, 0, whole, 0, 0, Line, 1, 1, subject),
            LessonStatus.Late => new FactRow(pupil.Key, date, start, length, 0, 0, absent, 0, Line, 1, 1, subject),
            _ => new FactRow(pupil.Key, date, start, length, 0, 0, 0, length, Line, 1, 0, subject),
        };
    }

    private FactRow ReadDay(PupilInfo pupil, DateOnly date)
    {
        var scheduled = Int(ExportField.ScheduledMinutes, required: true);
        if (scheduled > rules.Options.MaxMinutesPerDay)
        {
            throw new RowException(Header(ExportField.ScheduledMinutes), Text(ExportField.ScheduledMinutes),
                $"more than {rules.Options.MaxMinutesPerDay} minutes scheduled in one day (Skolnarvaro:Plausibility:MaxMinutesPerDay)");
        }

        if (csv.IsEmpty(index[ExportField.ExcusedMinutes]) && csv.IsEmpty(index[ExportField.UnexcusedMinutes]))
        {
            // Scheduled but neither absence field filled in: attendance was not taken (ej rapporterad), not "present".
            return new FactRow(pupil.Key, date, -1, scheduled, 0, 0, 0, scheduled, Line);
        }

        var excused = Int(ExportField.ExcusedMinutes, required: false);
        var unexcused = Int(ExportField.UnexcusedMinutes, required: false);
        var late = index.ContainsKey(ExportField.LateMinutes) ? Int(ExportField.LateMinutes, required: false) : 0;
        CheckAbsenceWithinScheduled(scheduled, (long)excused + unexcused, ExportField.ScheduledMinutes);
        if (late > scheduled)
        {
            throw new RowException(Header(ExportField.LateMinutes), Text(ExportField.LateMinutes), "late arrival is longer than the scheduled time");
        }

        return new FactRow(pupil.Key, date, -1, scheduled, excused, unexcused, late, 0, Line);
    }

    private void Plausible(string field, string? problem)
    {
        if (problem is not null)
        {
            throw new RowException(Header(field), Text(field), problem);
        }
    }

    private static int Weekdays(DateOnly from, DateOnly to)
    {
        var days = to.DayNumber - from.DayNumber + 1;
        var weekdays = days / 7 * 5;
        for (var d = from.AddDays(days / 7 * 7); d <= to; d = d.AddDays(1))
        {
            weekdays += d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0 : 1;
        }

        return Math.Max(1, weekdays);
    }

    /// <summary>
    /// One personnummer is one pupil in a file: a row naming them otherwise is quarantined and its pupil's older facts kept,
    /// since either name may be the typo.
    /// </summary>
    private void CheckOneIdentity(PupilInfo pupil)
    {
        if (NameDiffers(pupil, out var other))
        {
            rowPupilKey = pupil.Key;
            if (pupil.NameConflictLine is null)
            {
                pupil.NameConflictLine = Line;
                pupil.NameConflictName = QuarantineMasking.MaskValue(other);
            }

            throw new RowException(null, null, "the same personnummer as an earlier row of this file, with another name");
        }
    }

    /// <summary>Whether this row names the pupil otherwise than the row the pupil was first read from.</summary>
    private bool NameDiffers(PupilInfo pupil, out string rowName)
    {
        rowName = "";
        string first, last;
        if (index.TryGetValue(ExportField.FirstName, out var f) && index.TryGetValue(ExportField.LastName, out var l))
        {
            // The very bytes of the pupil's first row: the same name, without decoding it (a row in every few of a file
            // listed day by day).
            if (csv.GetSpan(f).SequenceEqual(pupil.FirstNameBytes) && csv.GetSpan(l).SequenceEqual(pupil.LastNameBytes))
            {
                return false;
            }

            (first, last) = (csv.GetString(f).Trim(), csv.GetString(l).Trim());
        }
        else
        {
            if (csv.GetSpan(index[ExportField.Name]).SequenceEqual(pupil.FirstNameBytes))
            {
                return false;
            }

            var name = csv.GetString(index[ExportField.Name]).Trim();
            var space = name.IndexOf(' ', StringComparison.Ordinal);
            (first, last) = space < 0 ? (name, "") : (name[..space], name[(space + 1)..].Trim());
        }

        rowName = $"{first} {last}".Trim();
        return !string.Equals(first, pupil.FirstName, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(last, pupil.LastName, StringComparison.OrdinalIgnoreCase);
    }

    private void CheckAbsenceWithinScheduled(int scheduled, long absent, string scheduledField)
    {
        if (absent > scheduled)
        {
            throw new RowException(Header(scheduledField), Text(scheduledField), "absence is larger than the scheduled time");
        }
    }

    private void ReadNameAndClass(PupilInfo pupil)
    {
        if (index.TryGetValue(ExportField.FirstName, out var f) && index.TryGetValue(ExportField.LastName, out var l))
        {
            pupil.FirstName = csv.GetString(f).Trim();
            pupil.LastName = csv.GetString(l).Trim();
            pupil.FirstNameBytes = csv.GetSpan(f).ToArray();
            pupil.LastNameBytes = csv.GetSpan(l).ToArray();
        }
        else
        {
            pupil.FirstNameBytes = csv.GetSpan(index[ExportField.Name]).ToArray();
            var name = csv.GetString(index[ExportField.Name]).Trim();
            var space = name.IndexOf(' ', StringComparison.Ordinal);
            (pupil.FirstName, pupil.LastName) = space < 0 ? (name, "") : (name[..space], name[(space + 1)..].Trim());
        }

        NoPersonnummerIn(pupil.FirstName, index.ContainsKey(ExportField.FirstName) ? ExportField.FirstName : ExportField.Name);
        NoPersonnummerIn(pupil.LastName, index.ContainsKey(ExportField.LastName) ? ExportField.LastName : ExportField.Name);
        pupil.ClassName = csv.GetString(index[ExportField.Class]).Trim();
        NoPersonnummerIn(pupil.ClassName, ExportField.Class);
        pupil.ClassBytes = csv.GetSpan(index[ExportField.Class]).ToArray();
    }

    /// <summary>
    /// A personnummer where a name, class or subject belongs (a column shifted, a note typed in the wrong cell) would be
    /// stored in clear and shown on pages and in digests: the row is quarantined instead.
    /// </summary>
    private void NoPersonnummerIn(string value, string field)
    {
        if (QuarantineMasking.HoldsPersonnummer(value))
        {
            throw new RowException(Header(field), QuarantineMasking.MaskValue(value),
                "the value holds a personnummer, which is never stored outside the personnummer column");
        }
    }

    /// <summary>A later day's class wins (pupils change class); compared as bytes, since it rarely changes.</summary>
    private void RefreshClass(PupilInfo pupil)
    {
        var span = csv.GetSpan(classColumn);
        if (!span.SequenceEqual(pupil.ClassBytes))
        {
            var className = csv.GetString(classColumn).Trim();
            NoPersonnummerIn(className, ExportField.Class);
            pupil.ClassName = className;
            pupil.ClassBytes = span.ToArray();
        }
    }

    /// <summary>
    /// The lesson's subject (ämne), trimmed with inner spaces collapsed; null when the export has none. Subjects are
    /// few, so each is made into a string once and found again by its bytes.
    /// </summary>
    private string? Subject()
    {
        if (subjectColumn < 0)
        {
            return null;
        }

        var span = csv.GetSpan(subjectColumn);
        foreach (var (bytes, name) in subjects)
        {
            if (span.SequenceEqual(bytes))
            {
                return ReferenceEquals(name, PersonnummerSubject) ? throw SubjectHoldsPersonnummer() : name;
            }
        }

        return NewSubject(span);
    }

    /// <summary>
    /// Apart from <see cref="Subject"/>: its lambda's captured variable would make every call allocate a closure, on
    /// every row (25 bytes a row, 244 MB on 9.7 M lessons).
    /// </summary>
    private string? NewSubject(ReadOnlySpan<byte> span)
    {
        var text = string.Join(' ', Encoding.UTF8.GetString(span).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (QuarantineMasking.HoldsPersonnummer(text))
        {
            subjects.Add((span.ToArray(), PersonnummerSubject));
            throw SubjectHoldsPersonnummer();
        }

        var known = text.Length == 0 ? null : subjects.FirstOrDefault(s => s.Name == text).Name ?? text;
        subjects.Add((span.ToArray(), known));
        return known;
    }

    // Marks a subject value that holds a personnummer: found again by its bytes, and quarantined every time.
    private static readonly string PersonnummerSubject = new('#', 1);

    private RowException SubjectHoldsPersonnummer() => new(Header(ExportField.Subject), QuarantineMasking.MaskValue(Text(ExportField.Subject)),
        "the value holds a personnummer, which is never stored outside the personnummer column");

    /// <summary>The status code, matched on the raw bytes: codes are short and few, and this runs for every lesson.</summary>
    private LessonStatus Status()
    {
        var span = csv.GetSpan(statusColumn).Trim((byte)' ');
        foreach (var (code, status) in statusBytes)
        {
            if (span.SequenceEqual(code))
            {
                return status;
            }
        }

        var text = Text(ExportField.Status);
        if (statusByCode.TryGetValue(text.Trim(), out var caseInsensitive))
        {
            return caseInsensitive;
        }

        throw new RowException(Header(ExportField.Status), text,
            $"unknown status code; expected one of {string.Join(", ", profile.StatusCodes.Keys)}");
    }

    private DateOnly ParseDate(string field) => ParseDate(field, index[field]);

    private DateOnly ParseDate(string field, int column)
    {
        var span = csv.GetSpan(column);
        // Exports are sorted by date far more often than not: one parse serves thousands of rows.
        if (span.Length == lastDateLength && span.SequenceEqual(lastDateBytes.AsSpan(0, lastDateLength)))
        {
            return lastDate;
        }

        // "2026-09-07", the usual format, read straight from the bytes; anything else odd goes the general way below.
        if (isoDates && IsoDate(span) is { } iso)
        {
            span.CopyTo(lastDateBytes);
            lastDateLength = span.Length;
            lastDate = iso;
            return iso;
        }

        Span<char> chars = stackalloc char[32];
        if (span.Length > 32)
        {
            throw new RowException(Header(field), Text(field), $"not a date; expected {profile.DateFormat}");
        }

        var n = Encoding.UTF8.GetChars(span, chars);
        if (!DateOnly.TryParseExact(chars[..n], profile.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new RowException(Header(field), Text(field), $"not a date; expected {profile.DateFormat}");
        }

        span.CopyTo(lastDateBytes);
        lastDateLength = span.Length;
        lastDate = date;
        return date;
    }

    private static DateOnly? IsoDate(ReadOnlySpan<byte> s)
    {
        if (s.Length != 10 || s[4] != (byte)'-' || s[7] != (byte)'-')
        {
            return null;
        }

        var year = 0;
        for (var i = 0; i < 4; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return null;
            }

            year = year * 10 + d;
        }

        int month = s[5] - '0', month2 = s[6] - '0', day = s[8] - '0', day2 = s[9] - '0';
        if ((uint)month > 9 || (uint)month2 > 9 || (uint)day > 9 || (uint)day2 > 9)
        {
            return null;
        }

        month = month * 10 + month2;
        day = day * 10 + day2;
        return year >= 1 && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month) ? new DateOnly(year, month, day) : null;
    }

    private int ParseTime(string field, int column)
    {
        var span = csv.GetSpan(column);
        // "08:10": the common formats are read straight from the bytes.
        if (fastTime != 0 && span.Length == 5 && span[2] == fastTime
            && char.IsAsciiDigit((char)span[0]) && char.IsAsciiDigit((char)span[1]) && char.IsAsciiDigit((char)span[3]) && char.IsAsciiDigit((char)span[4]))
        {
            var hour = (span[0] - '0') * 10 + span[1] - '0';
            var minute = (span[3] - '0') * 10 + span[4] - '0';
            if (hour < 24 && minute < 60)
            {
                return hour * 60 + minute;
            }
        }

        Span<char> chars = stackalloc char[16];
        if (span.Length > 16 || !TimeOnly.TryParseExact(chars[..Encoding.UTF8.GetChars(span, chars)], profile.TimeFormat,
                CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            throw new RowException(Header(field), Text(field), $"not a time; expected {profile.TimeFormat}");
        }

        return time.Hour * 60 + time.Minute;
    }

    private int Int(string field, bool required) => Int(field, index[field], required);

    private int Int(string field, int column, bool required)
    {
        var span = csv.GetSpan(column);
        if (span.IsEmpty)
        {
            return required ? throw new RowException(Header(field), "", "value is missing; expected a whole number of minutes") : 0;
        }

        if (!Utf8Parser.TryParse(span, out int value, out var consumed) || consumed != span.Length || value < 0)
        {
            throw new RowException(Header(field), Text(field), "not a whole, non-negative number of minutes");
        }

        return value;
    }

    /// <summary>Hours with the profile's decimal separator, returned as whole minutes.</summary>
    private int Hours(string field, bool required)
    {
        var span = csv.GetSpan(index[field]);
        if (span.IsEmpty)
        {
            return required ? throw new RowException(Header(field), "", "value is missing; expected hours") : 0;
        }

        Span<byte> normalised = stackalloc byte[32];
        if (span.Length > 32)
        {
            throw new RowException(Header(field), Text(field), "not a number of hours");
        }

        span.CopyTo(normalised);
        var other = profile.DecimalSeparator == ',' ? (byte)'.' : (byte)',';
        if (normalised[..span.Length].Contains(other))
        {
            throw new RowException(Header(field), Text(field), $"not a number of hours; the decimal separator is '{profile.DecimalSeparator}'");
        }

        normalised[..span.Length].Replace((byte)profile.DecimalSeparator, (byte)'.');
        if (!Utf8Parser.TryParse(normalised[..span.Length], out decimal hours, out var consumed) || consumed != span.Length || hours < 0)
        {
            throw new RowException(Header(field), Text(field), $"not a non-negative number of hours (decimal separator '{profile.DecimalSeparator}')");
        }

        var minutes = Math.Round(hours * 60m, MidpointRounding.AwayFromZero);
        return minutes <= int.MaxValue ? (int)minutes
            : throw new RowException(Header(field), Text(field), "not a believable number of hours: too large to be a term's time");
    }

    private string Text(string field) => csv.GetString(index[field]);

    private string Header(string field) => profile.Columns[field];

    private static string Printable(char c) => c == '\t' ? "\\t" : c.ToString();

    public void Dispose() => csv.Dispose();

    private sealed class RowException(string? column, string? value, string reason) : Exception(reason)
    {
        public string? Column { get; } = column;
        public string? Value { get; } = value;
        public string Reason { get; } = reason;
    }
}
