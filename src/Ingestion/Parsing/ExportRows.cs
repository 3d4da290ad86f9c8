namespace Skolnarvaro.Ingestion.Parsing;

/// <summary>One lesson or one day of one pupil, in minutes. A lesson row has <see cref="StartMinute"/> ≥ 0; a day row -1.</summary>
public readonly record struct FactRow(
    byte[] PupilKey, DateOnly Date, int StartMinute, int Scheduled, int Excused, int Unexcused, int Late, int NotReported, int Line);

/// <summary>One pupil's cumulative term-to-date figures from a summary export, in minutes.</summary>
public readonly record struct SnapshotRow(
    byte[] PupilKey, DateOnly From, DateOnly To, int Scheduled, int Excused, int Unexcused, int Line);

/// <summary>A row that could not be used, with what an administrator needs to find and fix it.</summary>
public sealed record RowProblem(int Line, string? Column, string? Value, string Reason);

/// <summary>What the stored pupil record needs; gathered once per pupil and file.</summary>
public sealed class PupilInfo(byte[] key, char gender, int birthYear)
{
    public byte[] Key { get; } = key;
    public char Gender { get; } = gender;
    public int BirthYear { get; } = birthYear;
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string ClassName { get; set; } = "";
    public DateOnly FirstDate { get; set; } = DateOnly.MaxValue;
    public DateOnly LastDate { get; set; } = DateOnly.MinValue;

    /// <summary>The grade (årskurs) from the class name's leading digits: "7B" → 7, "F" or "FK" → 0.</summary>
    public int? Grade
    {
        get
        {
            var digits = ClassName.TakeWhile(char.IsAsciiDigit).ToArray();
            if (digits.Length > 0)
            {
                return int.Parse(digits, provider: System.Globalization.CultureInfo.InvariantCulture);
            }

            return ClassName.StartsWith('F') ? 0 : null;
        }
    }
}

/// <summary>The file as a whole is unreadable with its profile (a missing column, say). Nothing of it is imported.</summary>
public sealed class ExportFormatException(string message) : Exception(message);
