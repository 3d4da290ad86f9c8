namespace Skolnarvaro.Ingestion.Profiles;

/// <summary>The profiles every installation has, using the headers the common Swedish systems default to.</summary>
public static class BuiltInProfiles
{
    public const string LessonsDefault = "lessons-default";
    public const string DaysDefault = "days-default";
    public const string SummaryDefault = "summary-default";

    public static IReadOnlyDictionary<string, ExportProfileSettings> All { get; } =
        new Dictionary<string, ExportProfileSettings>(StringComparer.OrdinalIgnoreCase)
        {
            [LessonsDefault] = Common(ExportKind.Lessons, new()
            {
                [ExportField.Personnummer] = "Personnummer",
                [ExportField.FirstName] = "Förnamn",
                [ExportField.LastName] = "Efternamn",
                [ExportField.Class] = "Klass",
                [ExportField.Date] = "Datum",
                [ExportField.StartTime] = "Starttid",
                [ExportField.LengthMinutes] = "Längd (min)",
                [ExportField.Subject] = "Ämne",
                [ExportField.Status] = "Status",
                [ExportField.AbsentMinutes] = "Frånvaro (min)",
            }),
            [DaysDefault] = Common(ExportKind.Days, new()
            {
                [ExportField.Personnummer] = "Personnummer",
                [ExportField.Name] = "Namn",
                [ExportField.Class] = "Klass",
                [ExportField.Date] = "Datum",
                [ExportField.ScheduledMinutes] = "Schemalagd tid (min)",
                [ExportField.ExcusedMinutes] = "Giltig frånvaro (min)",
                [ExportField.UnexcusedMinutes] = "Ogiltig frånvaro (min)",
                [ExportField.LateMinutes] = "Sen ankomst (min)",
            }),
            [SummaryDefault] = Common(ExportKind.Summary, new()
            {
                [ExportField.Personnummer] = "Personnummer",
                [ExportField.Name] = "Namn",
                [ExportField.Class] = "Klass",
                [ExportField.From] = "Från",
                [ExportField.To] = "Till",
                [ExportField.ScheduledHours] = "Schemalagd tid (h)",
                [ExportField.TotalAbsentHours] = "Total frånvaro (h)",
                [ExportField.ExcusedHours] = "Giltig (h)",
                [ExportField.UnexcusedHours] = "Ogiltig (h)",
            }, decimalSeparator: ","),
        };

    private static ExportProfileSettings Common(ExportKind kind, Dictionary<string, string> columns, string decimalSeparator = ".") => new()
    {
        Kind = kind,
        Encoding = "utf-8",
        Delimiter = ";",
        DateFormat = "yyyy-MM-dd",
        TimeFormat = "HH:mm",
        DecimalSeparator = decimalSeparator,
        Columns = new Dictionary<string, string>(columns, StringComparer.OrdinalIgnoreCase),
        StatusCodes = new Dictionary<string, string>
        {
            ["N"] = nameof(LessonStatus.Present),
            ["G"] = nameof(LessonStatus.Excused),
            ["O"] = nameof(LessonStatus.Unexcused),
            ["S"] = nameof(LessonStatus.Late),
            ["E"] = nameof(LessonStatus.NotReported),
        },
        ProtectedValues = ["SKYDDAD", "Skyddad identitet", "Sekretessmarkering"],
    };
}
