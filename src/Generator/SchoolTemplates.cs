using System.Text;

namespace Skolnarvaro.Generator;

internal enum ExportKind
{
    Lessons,
    Days,
    Summary,
}

internal enum LessonStatus : byte
{
    Present,
    Excused,
    Unexcused,
    Late,
    NotReported,
}

/// <summary>How one school's files are written (the generator's side of an export profile).</summary>
internal sealed class ExportFormat
{
    public required ExportKind Kind { get; init; }
    public required Encoding Encoding { get; init; }
    public required char Delimiter { get; init; }
    public string NewLine { get; init; } = "\n";
    public string DateFormat { get; init; } = "yyyy-MM-dd";
    public string TimeFormat { get; init; } = "HH:mm";
    public string DecimalSeparator { get; init; } = ",";
    public required string[] Headers { get; init; }

    /// <summary>Status code per <see cref="LessonStatus"/> (lessons kind only).</summary>
    public string[] StatusCodes { get; init; } = ["N", "G", "O", "S", "E"];

    /// <summary>Lessons: write the minutes of a not-reported lesson as empty (true) or "0" (false).</summary>
    public bool NotReportedMinutesEmpty { get; init; } = true;

    public string FilePrefix => Kind switch
    {
        ExportKind.Lessons => "lessons",
        ExportKind.Days => "days",
        _ => "summary",
    };
}

/// <summary>The behaviour of one of the six sample schools; extra schools cycle through these.</summary>
internal sealed class SchoolTemplate
{
    public required string Name { get; init; }
    public required bool Independent { get; init; }
    public required string Huvudman { get; init; }
    public required string Profile { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> ProfileOverrides { get; init; } = [];
    public required ExportFormat Format { get; init; }
    public PnrStyle Pnr { get; init; } = PnrStyle.Dash12;

    /// <summary>From this school week on, personnummer are written in <see cref="PnrLater"/> (export system re-configured).</summary>
    public int PnrSwitchWeek { get; init; } = int.MaxValue;
    public PnrStyle PnrLater { get; init; } = PnrStyle.Dash12;

    /// <summary>Probability that a whole class-lesson is left unregistered (status E).</summary>
    public double ClassLessonNotReported { get; init; }
    /// <summary>Probability that a single pupil-lesson is left unregistered.</summary>
    public double PupilLessonNotReported { get; init; }
    /// <summary>Days kind: probability that a whole class-day is unregistered (absence fields left empty).</summary>
    public double ClassDayNotReported { get; init; }

    /// <summary>
    /// The school has a skolnärvaroteam in the registry: a municipal school the municipality's, an independent school its
    /// huvudman's own. A school without one shows the rektor no hand-off step.
    /// </summary>
    public bool HasSkolnarvaroteam { get; init; } = true;

    /// <summary>The exporter stopped this many school days before the snapshot date.</summary>
    public int StaleSchoolDays { get; init; }

    /// <summary>Also write a corrected re-export of the week four weeks before the snapshot date.</summary>
    public bool WriteCorrection { get; init; }

    /// <summary>Relative share of the pupils (lesson-level schools are kept small to limit file size).</summary>
    public required double SizeWeight { get; init; }

    public PnrStyle PnrStyleForWeek(int week) => week >= PnrSwitchWeek ? PnrLater : Pnr;

    public const string LessonsHeader = "Personnummer;Förnamn;Efternamn;Klass;Datum;Starttid;Längd (min);Ämne;Status;Frånvaro (min)";
    public const string DaysHeader = "Personnummer;Namn;Klass;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min);Sen ankomst (min)";
    public const string SummaryHeader = "Personnummer;Namn;Klass;Från;Till;Schemalagd tid (h);Total frånvaro (h);Giltig (h);Ogiltig (h)";

    public const string VklassProfileName = "vklass-lessons";

    /// <summary>Column keys of a profile, in file order, and the Vklass-style English headers.</summary>
    public static readonly string[] LessonColumnKeys =
        ["Personnummer", "FirstName", "LastName", "Class", "Date", "StartTime", "LengthMinutes", "Subject", "Status", "AbsentMinutes"];
    public static readonly string[] VklassHeaders =
        ["Personal ID", "First name", "Last name", "Class", "Date", "Start", "Length", "Subject", "Code", "Absent minutes"];
    public static readonly string[] VklassCodes = ["P", "A", "U", "L", "-"];
    public static readonly string[] VklassCodeMeanings = ["Present", "Excused", "Unexcused", "Late", "NotReported"];

    /// <summary>Creates the six templates. Requires the code-pages provider to be registered.</summary>
    public static SchoolTemplate[] CreateAll()
    {
        // Long, and clearer whole: a table of the six schools' exports, one entry each, read side by side.
        var utf8Bom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var win1252 = Encoding.GetEncoding(1252);
        string[] lessons = LessonsHeader.Split(';');
        string[] days = DaysHeader.Split(';');
        string[] summary = SummaryHeader.Split(';');

        return
        [
            new SchoolTemplate
            {
                Name = "Björkskolan", Independent = false, Huvudman = "Exempelstads kommun", Profile = "lessons-default",
                Format = new ExportFormat { Kind = ExportKind.Lessons, Encoding = utf8Bom, Delimiter = ';', Headers = lessons },
                Pnr = PnrStyle.Dash12,
                ClassLessonNotReported = 0.008, PupilLessonNotReported = 0.002,
                WriteCorrection = true, SizeWeight = 0.46,
            },
            new SchoolTemplate
            {
                Name = "Ekdalsskolan", Independent = false, Huvudman = "Exempelstads kommun", Profile = "days-default",
                Format = new ExportFormat { Kind = ExportKind.Days, Encoding = utf8, Delimiter = ';', NewLine = "\r\n", Headers = days },
                Pnr = PnrStyle.Dash12, PnrSwitchWeek = 6, PnrLater = PnrStyle.Plain12,
                ClassDayNotReported = 0.006, SizeWeight = 1.6,
            },
            new SchoolTemplate
            {
                Name = "Tallåsens skola", Independent = false, Huvudman = "Exempelstads kommun", Profile = "days-default",
                Format = new ExportFormat { Kind = ExportKind.Days, Encoding = utf8, Delimiter = ';', Headers = days },
                Pnr = PnrStyle.Dash10,
                ClassDayNotReported = 0.09, StaleSchoolDays = 10, SizeWeight = 1.6,
            },
            new SchoolTemplate
            {
                Name = "Solbackens skola", Independent = false, Huvudman = "Exempelstads kommun", Profile = "lessons-default",
                ProfileOverrides = [new("Encoding", "windows-1252"), new("Delimiter", ",")],
                Format = new ExportFormat
                {
                    Kind = ExportKind.Lessons, Encoding = win1252, Delimiter = ',', Headers = lessons, NotReportedMinutesEmpty = false,
                },
                Pnr = PnrStyle.Dash12,
                ClassLessonNotReported = 0.11, PupilLessonNotReported = 0.01, SizeWeight = 0.42,
            },
            new SchoolTemplate
            {
                Name = "Friskolan Kunskapsträdet", Independent = true, Huvudman = "Kunskapsträdet Skolor AB", Profile = "summary-default",
                Format = new ExportFormat { Kind = ExportKind.Summary, Encoding = utf8, Delimiter = ';', Headers = summary, DecimalSeparator = "," },
                Pnr = PnrStyle.Plain12,
                ClassLessonNotReported = 0.005, SizeWeight = 1.55,
            },
            new SchoolTemplate
            {
                Name = "Norrvikens internationella skola", Independent = true, Huvudman = "Norrvik International Education AB",
                HasSkolnarvaroteam = false,
                Profile = VklassProfileName,
                Format = new ExportFormat
                {
                    Kind = ExportKind.Lessons, Encoding = win1252, Delimiter = ',', DateFormat = "dd/MM/yyyy", TimeFormat = "HH.mm",
                    DecimalSeparator = ".", Headers = VklassHeaders, StatusCodes = VklassCodes,
                },
                Pnr = PnrStyle.Dash12,
                ClassLessonNotReported = 0.01, PupilLessonNotReported = 0.002, SizeWeight = 0.37,
            },
        ];
    }
}
