namespace Skolnarvaro.Calendar;

/// <summary>Whether påsklov is the week after Easter Sunday (Stockholm and most municipalities) or the week of långfredag.</summary>
public enum Pasklov { AfterEaster, BeforeEaster }

/// <summary>A term as configured: its first and last school day (yyyy-MM-dd). Starting July–December it is HT, else VT.</summary>
public sealed class TermSettings
{
    public string Start { get; set; } = "";
    public string End { get; set; } = "";
}

/// <summary>
/// A break as configured (yyyy-MM-dd). Named Höstlov, Sportlov or Påsklov it replaces the computed break of that name in
/// the term it falls in; any other name (a lovdag, a studiedag for the whole school) is a break of its own.
/// </summary>
public sealed class BreakSettings
{
    public string Name { get; set; } = "";
    public string From { get; set; } = "";
    public string To { get; set; } = "";
}

/// <summary>
/// One calendar's settings: the municipality's (Skolnarvaro:Calendar) or a school's where it differs
/// (Skolnarvaro:Schools:n:Calendar). A school's setting left out keeps the municipality's.
/// </summary>
public class CalendarSettings
{
    /// <summary>ISO week of höstlov.</summary>
    public int? HostlovWeek { get; set; }
    /// <summary>ISO week of sportlov (regions differ: week 7, 8 or 9).</summary>
    public int? SportlovWeek { get; set; }
    public Pasklov? Pasklov { get; set; }
    /// <summary>The Friday after Kristi himmelsfärds dag (klämdag) is off.</summary>
    public bool? Klamdag { get; set; }
    /// <summary>Terms that differ from the computed ones; each replaces the computed term of its half-year.</summary>
    public List<TermSettings> Terms { get; set; } = [];
    public List<BreakSettings> Breaks { get; set; } = [];
    /// <summary>
    /// More days off, besides the public holidays: a date (2027-01-05), a date every year (11-02) or a range of either
    /// (2027-05-13..2027-05-14).
    /// </summary>
    public List<string> Holidays { get; set; } = [];
}

/// <summary>
/// Skolnarvaro:Calendar: the school calendar every stage counts school days with. Computed by default from Swedish
/// custom: HT from the first Monday on or after 15 August to the last Friday on or before 21 December, VT from the first
/// weekday on or after 8 January to the last Friday on or before 14 June, höstlov week 44, sportlov week 9, påsklov the
/// week after Easter, the public holidays and klämdag; jullov and the summer fall between the terms.
/// </summary>
public sealed class CalendarOptions : CalendarSettings
{
    public const string Section = "Skolnarvaro:Calendar";

    public CalendarOptions()
    {
        HostlovWeek = 44;
        SportlovWeek = 9;
        Pasklov = Calendar.Pasklov.AfterEaster;
        Klamdag = true;
    }

    /// <summary>The registry's schools in its order (Skolnarvaro:Schools), each with its own calendar settings where it differs.</summary>
    public List<SchoolCalendarEntry> Schools { get; set; } = [];
}

/// <summary>A school's own calendar, as the school registry gives it (Skolnarvaro:Schools:n:Calendar).</summary>
public sealed class SchoolCalendarEntry
{
    public string Skolenhetskod { get; set; } = "";
    public CalendarSettings? Calendar { get; set; }
}
