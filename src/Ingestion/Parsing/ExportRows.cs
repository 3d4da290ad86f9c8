namespace Skolnarvaro.Ingestion.Parsing;

/// <summary>
/// One lesson or one day of one pupil, in minutes. A lesson row has <see cref="StartMinute"/> ≥ 0; a day row, or
/// a pupil's lessons of one day added up, -1. <see cref="Lessons"/> and <see cref="Registered"/> count scheduled
/// lessons and those with attendance registered (lessons exports only), for the reporting rate.
/// </summary>
public readonly record struct FactRow(
    byte[] PupilKey, DateOnly Date, int StartMinute, int Scheduled, int Excused, int Unexcused, int Late, int NotReported, int Line,
    int Lessons = 0, int Registered = 0, string? Subject = null, byte[]? Subjects = null);

/// <summary>
/// A pupil's lessons of one day per subject (ämne), packed as attendance_fact.subjects stores them (migration 0006):
/// per subject, one byte each, the subject's code at the school (school_subject), lessons, unreported and absent lessons.
/// </summary>
public static class SubjectPacking
{
    public static byte[] Pack(IReadOnlyList<(byte Code, int Lessons, int Unreported, int Absent)> subjects)
    {
        var packed = new byte[subjects.Count * 4];
        Pack(subjects, packed);
        return packed;
    }

    /// <summary>Packs into <paramref name="packed"/>, which holds at least 4 bytes a subject.</summary>
    public static void Pack(IReadOnlyList<(byte Code, int Lessons, int Unreported, int Absent)> subjects, Span<byte> packed)
    {
        for (var i = 0; i < subjects.Count; i++)
        {
            var (code, lessons, unreported, absent) = subjects[i];
            packed[4 * i] = code;
            packed[4 * i + 1] = (byte)Math.Min(lessons, 255);
            packed[4 * i + 2] = (byte)Math.Min(unreported, 255);
            packed[4 * i + 3] = (byte)Math.Min(absent, 255);
        }
    }
}

/// <summary>
/// The codes of one school's subjects, loaded when its import starts (under the school's import lock) and extended
/// with the subjects a file brings; the new ones are stored with the file.
/// </summary>
public sealed class SubjectCodes(IReadOnlyDictionary<string, byte> existing)
{
    private readonly Dictionary<string, byte> codes = new(existing, StringComparer.Ordinal);

    public List<(byte Code, string Name)> Added { get; } = [];

    /// <summary>The subject's code, given a new one if it has none; false when the school already has 255 (a byte's worth).</summary>
    public bool TryFor(string subject, out byte code)
    {
        if (!codes.TryGetValue(subject, out code))
        {
            if (codes.Count >= 255)
            {
                return false;
            }

            code = (byte)codes.Count;
            codes[subject] = code;
            Added.Add((code, subject));
        }

        return true;
    }

    /// <summary>The code of a subject that <see cref="TryFor"/> has accepted.</summary>
    public byte For(string subject) => TryFor(subject, out var code) ? code
        : throw new InvalidOperationException($"A school can have at most 255 subjects; '{subject}' would be one more.");
}


/// <summary>One pupil's cumulative term-to-date figures from a summary export, in minutes.</summary>
public readonly record struct SnapshotRow(
    byte[] PupilKey, DateOnly From, DateOnly To, int Scheduled, int Excused, int Unexcused, int Line);

/// <summary>A row that could not be used, with what an administrator needs to find and fix it.</summary>
public sealed record RowProblem(int Line, string? Column, string? Value, string Reason)
{
    /// <summary>The row's pupil and day when they could be read: the pupil's older fact of that day is then kept.</summary>
    public byte[]? PupilKey { get; init; }
    public DateOnly? Date { get; init; }
    /// <summary>The name on a row whose personnummer could not be read: the import looks for the pupil by it. Never stored.</summary>
    public string? Name { get; init; }
    /// <summary>The row's personnummer is empty or marks protected identity: it is nobody's stored fact.</summary>
    public bool ProtectedIdentity { get; init; }
}

/// <summary>
/// A file that cannot be read as rows at all from some line on (a quote that swallows lines, a cut-off last record):
/// rejected whole, naming the line.
/// </summary>
public sealed class FileRejectedException(int line, string reason) : Exception(reason)
{
    public int Line { get; } = line;
    public string Reason { get; } = reason;
}

/// <summary>
/// Where every physical line of a file went: imported, quarantined, protected identity, blank or header. They add
/// up to <see cref="Total"/> (counted from the bytes, apart from the CSV reader), or the file is rejected.
/// </summary>
public sealed class LineAccount
{
    public int Total { get; set; }
    public int Imported { get; set; }
    public int Quarantined { get; set; }
    public int Protected { get; set; }
    public int Blank { get; set; }
    public int Header { get; set; }

    public int Accounted => Imported + Quarantined + Protected + Blank + Header;

    public bool AddsUp => Accounted == Total;

    /// <summary>A row found bad after it was read (a duplicate, say): its line moves from imported to quarantined.</summary>
    public void Requarantine(int lines = 1)
    {
        Imported -= lines;
        Quarantined += lines;
    }

    public override string ToString() =>
        $"{Total:N0} lines = {Imported:N0} imported + {Quarantined:N0} quarantined + {Protected:N0} protected identity + {Blank:N0} blank + {Header:N0} header" +
        (AddsUp ? "" : $" (only {Accounted:N0} accounted for)");
}

/// <summary>What the stored pupil record needs; gathered once per pupil and file.</summary>
public sealed class PupilInfo(byte[] key, char gender, int birthYear)
{
    public byte[] Key { get; } = key;
    public char Gender { get; } = gender;
    public int BirthYear { get; } = birthYear;
    /// <summary>The line the pupil was first read from, for the identity check's report.</summary>
    public int FirstLine { get; init; }
    /// <summary>The first line that named the pupil otherwise than <see cref="FirstLine"/>: recorded as an identity conflict.</summary>
    public int? NameConflictLine { get; set; }
    public string NameConflictName { get; set; } = "";
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string ClassName { get; set; } = "";
    internal byte[] ClassBytes { get; set; } = [];
    /// <summary>The name fields of the pupil's first row as read (the whole name when the export has one name column).</summary>
    internal byte[] FirstNameBytes { get; set; } = [];
    internal byte[] LastNameBytes { get; set; } = [];
    public DateOnly FirstDate { get; set; } = DateOnly.MaxValue;
    public DateOnly LastDate { get; set; } = DateOnly.MinValue;

    /// <summary>The days this file has given rows for, to find repeated days without holding the rows.</summary>
    public DaySet Seen { get; } = new();

    /// <summary>The grade (årskurs) from the class name's leading digits: "7B" → 7, "F" or "FK" → 0.</summary>
    public int? Grade => GradeOf(ClassName);

    public static int? GradeOf(string className)
    {
        var digits = className.TakeWhile(char.IsAsciiDigit).Take(2).ToArray();
        if (digits.Length > 0)
        {
            return int.Parse(digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        }

        return className.StartsWith('F') ? 0 : null;
    }
}

/// <summary>The file as a whole is unreadable with its profile (a missing column, say). Nothing of it is imported.</summary>
public sealed class ExportFormatException(string message) : Exception(message);

/// <summary>A set of dates as a bitmap: a term of days costs a few bytes, whatever the number of rows.</summary>
public sealed class DaySet
{
    public int Count { get; private set; }

    public IEnumerable<DateOnly> Dates()
    {
        for (var i = 0; i < bits.Length * 64; i++)
        {
            if ((bits[i / 64] & (1UL << (i % 64))) != 0)
            {
                yield return DateOnly.FromDayNumber(firstDay + i);
            }
        }
    }

    private ulong[] bits = new ulong[4];
    private int firstDay = int.MinValue;

    /// <summary>Adds the date; false when it was already there.</summary>
    public bool Add(DateOnly date)
    {
        var day = date.DayNumber;
        if (firstDay == int.MinValue)
        {
            firstDay = day - 64;
        }

        if (day < firstDay)
        {
            // Grow towards the past, keeping word alignment so existing bits stay in place.
            var words = (firstDay - day + 63) / 64 + 1;
            var grown = new ulong[bits.Length + words];
            Array.Copy(bits, 0, grown, words, bits.Length);
            bits = grown;
            firstDay -= words * 64;
        }

        var index = day - firstDay;
        if (index / 64 >= bits.Length)
        {
            Array.Resize(ref bits, Math.Max(bits.Length * 2, index / 64 + 1));
        }

        var mask = 1UL << (index % 64);
        var present = (bits[index / 64] & mask) != 0;
        bits[index / 64] |= mask;
        Count += present ? 0 : 1;
        return !present;
    }
}
