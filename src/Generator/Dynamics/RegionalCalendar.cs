using System.Globalization;

namespace Skolnarvaro.Generator.Dynamics;

/// <summary>
/// The school calendar of a municipality outside Stockholm, drawn from the seed the way Swedish municipalities differ:
/// sportlov falls in ISO week 7, 8, 9 or 10 (the regions' rota), påsklov is the week after Easter or the days before
/// långfredag, and HT may start on the Monday, Tuesday or Wednesday of ISO week 34. Fixed for all: höstlov in ISO week 44,
/// jullov between the terms (HT ends on the last weekday on or before 20 December, VT starts on the first weekday on or
/// after 8 January), 1 May, Kristi himmelsfärd with the klämdag after it, 6 June, and VT ending on the last weekday on or
/// before 12 June. School days are numbered on across terms (<see cref="TermCalendar.DayBase"/>).
/// </summary>
internal sealed class RegionalCalendar
{
    public RegionalCalendar(int seed, DateOnly from, DateOnly asOf)
    {
        var r = Det.Stream(seed, DynamicsSalt.Calendar);
        SportlovWeek = 7 + r.Next(4);
        PasklovBeforeEaster = r.NextDouble() < 0.35;
        HtStartOffset = r.Next(3);
        Terms = BuildTerms(from, asOf);
        Days = Terms.SelectMany(t => t.Days).ToArray();
        AfterBreak = new bool[Days.Length];
        SinceBreak = new int[Days.Length];
        for (int g = 0; g < Days.Length; g++)
        {
            // A break: three or more weekdays without school (a lov, jul, summer) right before this day.
            AfterBreak[g] = g == 0 || WeekdaysBetween(Days[g - 1], Days[g]) >= 3;
            SinceBreak[g] = AfterBreak[g] ? 0 : SinceBreak[g - 1] + 1;
        }
        BeforeBreak = Enumerable.Range(0, Days.Length).Select(g => g == Days.Length - 1 || AfterBreak[g + 1]).ToArray();
    }

    public int SportlovWeek { get; }
    public bool PasklovBeforeEaster { get; }
    public int HtStartOffset { get; }
    public IReadOnlyList<TermCalendar> Terms { get; }

    /// <summary>Every school day of the history, by its index over the whole history.</summary>
    public DateOnly[] Days { get; }

    /// <summary>True on the first school day after a lov or a term break (and on the first day of the history).</summary>
    public bool[] AfterBreak { get; }

    /// <summary>True on the last school day before a lov or a term break.</summary>
    public bool[] BeforeBreak { get; }

    /// <summary>School days since the last break ended (0 on the first day back).</summary>
    public int[] SinceBreak { get; }

    /// <summary>The first school day at or after <paramref name="g"/> that follows a break, or -1.</summary>
    public int NextBreakEnd(int g)
    {
        for (int d = Math.Max(0, g); d < Days.Length; d++)
        {
            if (AfterBreak[d])
            {
                return d;
            }
        }
        return -1;
    }

    /// <summary>The school year (its HT's calendar year) of a school day.</summary>
    public static int SchoolYearOf(DateOnly d) => d.Month >= 7 ? d.Year : d.Year - 1;

    public DateOnly HtStart(int year) =>
        DateOnly.FromDateTime(ISOWeek.ToDateTime(year, 34, DayOfWeek.Monday)).AddDays(HtStartOffset);

    public static DateOnly HtEnd(int year) => LastWeekdayOnOrBefore(new DateOnly(year, 12, 20));

    public static DateOnly VtStart(int year)
    {
        var d = new DateOnly(year, 1, 8);
        while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            d = d.AddDays(1);
        }
        return d;
    }

    public static DateOnly VtEnd(int year) => LastWeekdayOnOrBefore(new DateOnly(year, 6, 12));

    /// <summary>The lov and red days on weekdays of the term that starts in <paramref name="termStart"/>'s half year.</summary>
    public List<(DateOnly From, DateOnly To)> HolidaysOf(DateOnly termStart)
    {
        int y = termStart.Year;
        if (termStart.Month >= 7)
        {
            return [IsoWeek(y, 44)];
        }
        var easter = SchoolYearCalendar.EasterSunday(y);
        var ascension = easter.AddDays(39);
        var pasklov = PasklovBeforeEaster
            ? (easter.AddDays(-6), easter.AddDays(-2))   // Monday–långfredag of stilla veckan
            : (easter.AddDays(1), easter.AddDays(5));    // annandag påsk and the rest of the week
        return
        [
            IsoWeek(y, SportlovWeek),
            (easter.AddDays(-2), easter.AddDays(-2)),    // långfredag
            (easter.AddDays(1), easter.AddDays(1)),      // annandag påsk
            pasklov,
            (new DateOnly(y, 5, 1), new DateOnly(y, 5, 1)),
            (ascension, ascension.AddDays(1)),           // Kristi himmelsfärd and klämdagen
            (new DateOnly(y, 6, 6), new DateOnly(y, 6, 6)),
        ];
    }

    private List<TermCalendar> BuildTerms(DateOnly from, DateOnly asOf) =>
        TermCalendar.Sequence(from, asOf, y => (VtStart(y), VtEnd(y)), y => (HtStart(y), HtEnd(y)), HolidaysOf);

    private static int WeekdaysBetween(DateOnly a, DateOnly b)
    {
        int n = 0;
        for (var d = a.AddDays(1); d < b; d = d.AddDays(1))
        {
            n += d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0 : 1;
        }
        return n;
    }

    private static DateOnly LastWeekdayOnOrBefore(DateOnly d)
    {
        while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            d = d.AddDays(-1);
        }
        return d;
    }

    private static (DateOnly, DateOnly) IsoWeek(int year, int week)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return (monday, monday.AddDays(4));
    }
}
