namespace Skolnarvaro.Ingestion.Profiles;

public enum ExportKind { Lessons, Days, Summary }

public enum LessonStatus { Present, Excused, Unexcused, Late, NotReported }

/// <summary>
/// An export profile as written in configuration. Every property is optional so that a school can
/// reference a named profile and override only what its system does differently.
/// </summary>
public sealed class ExportProfileSettings
{
    public ExportKind? Kind { get; set; }
    public string? Encoding { get; set; }
    public string? Delimiter { get; set; }
    public string? DateFormat { get; set; }
    public string? TimeFormat { get; set; }
    public string? DecimalSeparator { get; set; }
    /// <summary>Logical field (see <see cref="ExportField"/>) → header name in the file.</summary>
    public Dictionary<string, string>? Columns { get; set; }
    /// <summary>Status code in the file → <see cref="LessonStatus"/> name. Lessons exports only.</summary>
    public Dictionary<string, string>? StatusCodes { get; set; }
    /// <summary>Personnummer values that mean "skyddad identitet" (protected identity). An empty value always does.</summary>
    public List<string>? ProtectedValues { get; set; }
    /// <summary>
    /// Lets this school's files remove facts of pupils who were in its earlier exports for the same dates (the shrink
    /// guard holds such a file back otherwise). For systems whose exports really do drop pupils, such as a moved pupil's days.
    /// </summary>
    public bool? AllowShrink { get; set; }

    /// <summary>This profile with every property that <paramref name="overrides"/> sets replaced.</summary>
    public ExportProfileSettings With(ExportProfileSettings? overrides)
    {
        if (overrides is null)
        {
            return this;
        }

        return new ExportProfileSettings
        {
            Kind = overrides.Kind ?? Kind,
            Encoding = overrides.Encoding ?? Encoding,
            Delimiter = overrides.Delimiter ?? Delimiter,
            DateFormat = overrides.DateFormat ?? DateFormat,
            TimeFormat = overrides.TimeFormat ?? TimeFormat,
            DecimalSeparator = overrides.DecimalSeparator ?? DecimalSeparator,
            Columns = Merge(Columns, overrides.Columns),
            StatusCodes = overrides.StatusCodes ?? StatusCodes,
            ProtectedValues = overrides.ProtectedValues ?? ProtectedValues,
            AllowShrink = overrides.AllowShrink ?? AllowShrink,
        };
    }

    private static Dictionary<string, string>? Merge(Dictionary<string, string>? a, Dictionary<string, string>? b)
    {
        if (a is null || b is null)
        {
            return b ?? a;
        }

        var merged = new Dictionary<string, string>(a, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in b)
        {
            merged[key] = value;
        }

        return merged;
    }
}

/// <summary>The logical fields an export can carry; profiles map them to the file's own header names.</summary>
public static class ExportField
{
    public const string Personnummer = nameof(Personnummer);
    public const string FirstName = nameof(FirstName);
    public const string LastName = nameof(LastName);
    public const string Name = nameof(Name);
    public const string Class = nameof(Class);
    public const string Date = nameof(Date);
    public const string StartTime = nameof(StartTime);
    public const string LengthMinutes = nameof(LengthMinutes);
    public const string Subject = nameof(Subject);
    public const string Status = nameof(Status);
    public const string AbsentMinutes = nameof(AbsentMinutes);
    public const string ScheduledMinutes = nameof(ScheduledMinutes);
    public const string ExcusedMinutes = nameof(ExcusedMinutes);
    public const string UnexcusedMinutes = nameof(UnexcusedMinutes);
    public const string LateMinutes = nameof(LateMinutes);
    public const string From = nameof(From);
    public const string To = nameof(To);
    public const string ScheduledHours = nameof(ScheduledHours);
    public const string TotalAbsentHours = nameof(TotalAbsentHours);
    public const string ExcusedHours = nameof(ExcusedHours);
    public const string UnexcusedHours = nameof(UnexcusedHours);

    /// <summary>The fields a file of each kind must have. A name is either FirstName + LastName or Name.</summary>
    public static IReadOnlyList<string> Required(ExportKind kind) => kind switch
    {
        ExportKind.Lessons => [Personnummer, Class, Date, StartTime, LengthMinutes, Status, AbsentMinutes],
        ExportKind.Days => [Personnummer, Class, Date, ScheduledMinutes, ExcusedMinutes, UnexcusedMinutes],
        ExportKind.Summary => [Personnummer, Class, From, To, ScheduledHours, ExcusedHours, UnexcusedHours],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Fields read when present.</summary>
    public static IReadOnlyList<string> Optional(ExportKind kind) => kind switch
    {
        ExportKind.Lessons => [FirstName, LastName, Name, Subject],
        ExportKind.Days => [FirstName, LastName, Name, LateMinutes],
        ExportKind.Summary => [FirstName, LastName, Name, TotalAbsentHours],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
