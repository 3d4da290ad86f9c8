using System.Globalization;
using System.Text;

namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// The answer keys beside <c>inbox/</c> (never imported): each pupil's course and events, and each class outbreak.
/// The pupil key has the columns the evaluation reads (Personnummer, Course) and the first generator's gender column.
/// </summary>
internal static class AnswerKey
{
    public static readonly string[] PupilHeader =
    [
        "Personnummer", "Kön", "Förskoleklass läsår", "Course", "Onset", "OnsetBeforeHistory", "Peak", "ReturnFrom",
        "ChronicSpellDays", "OutbreakDays", "Trips", "Moves",
    ];

    public static void WritePupils(string path, Roll roll, RegionalCalendar cal)
    {
        var format = Format(PupilHeader);
        using var w = new CsvExportWriter(path, format);
        w.Header(format.Headers);
        foreach (var pupil in roll.Pupils.Where(p => !p.Protected))
        {
            var a = (PupilAbsence)pupil.Absence;
            var c = a.Course;
            int fYear = FYear(pupil, cal, roll);
            w.Field(pupil.Pnr12);
            w.Field(pupil.Male ? "Pojke" : "Flicka");
            w.Field(fYear);
            w.Field(c.Kind.ToString());
            w.Field(c.IsLasting && c.Onset >= 0 && c.Onset < cal.Days.Length ? Date(cal.Days[c.Onset]) : "");
            w.Field(c.IsLasting && c.Onset < 0 ? "ja" : "");
            w.Field(c.IsLasting && c.Kind != CourseKind.ChronicIllness ? c.Peak.ToString("0.00", CultureInfo.InvariantCulture) : "");
            long back = (long)c.Onset + c.ReturnAfter;
            w.Field(c.ReturnAfter != int.MaxValue && back >= 0 && back < cal.Days.Length ? Date(cal.Days[(int)back]) : "");
            w.Field(a.CountEvents(DayEvent.ChronicSpell));
            w.Field(a.OutbreakDays);
            w.Field(string.Join(", ", a.Trips));
            w.Field(roll.Moves.TryGetValue(pupil.Id, out var moves) ? string.Join(", ", moves) : "");
            w.EndRow();
        }
    }

    public static void WriteOutbreaks(string path, IEnumerable<Outbreak> outbreaks)
    {
        var format = Format(["Skolenhetskod", "Skola", "Klass", "Start", "Sjukdom", "Insjuknade", "Elever i klassen"]);
        using var w = new CsvExportWriter(path, format);
        w.Header(format.Headers);
        foreach (var o in outbreaks.OrderBy(o => o.Start).ThenBy(o => o.School.Index).ThenBy(o => o.Class.Index))
        {
            w.Field(o.School.Code);
            w.Field(o.School.Name);
            w.Field(o.Class.Name);
            w.Field(Date(o.Start));
            w.Field(o.Illness);
            w.Field(o.Ill);
            w.Field(o.Pupils);
            w.EndRow();
        }
    }

    /// <summary>The pupil's förskoleklass year: the school year of the first term minus the grade then (kept on the pupil's grade now).</summary>
    private static int FYear(Pupil pupil, RegionalCalendar cal, Roll roll) =>
        roll.FYears.TryGetValue(pupil.Id, out int y) ? y : RegionalCalendar.SchoolYearOf(cal.Days[0]) - pupil.Grade;

    private static ExportFormat Format(string[] headers) => new()
    {
        Kind = ExportKind.Days, Encoding = new UTF8Encoding(false), Delimiter = ';', Headers = headers,
    };

    private static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
