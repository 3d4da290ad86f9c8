using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>
/// The Swedish compulsory-school calendar the history generator uses (Stockholm's customs where regions differ):
/// HT from the first Monday on or after 15 August to the last Friday on or before 21 December; VT from the first
/// weekday on or after 8 January to the last Friday on or before 14 June. No school on höstlov (ISO week 44),
/// sportlov (ISO week 9), påsklov (Mon–Fri after Easter Sunday, with långfredag), 1 May, Kristi himmelsfärd and the
/// Friday after it (klämdag), and 6 June; summer and Christmas fall between the terms.
/// </summary>
internal static class SchoolYearCalendar
{
    public const int SportlovWeek = 9;
    public const int HostlovWeek = 44;

    public static DateOnly HtStart(int year) => NextOnOrAfter(new DateOnly(year, 8, 15), DayOfWeek.Monday);
    public static DateOnly HtEnd(int year) => LastOnOrBefore(new DateOnly(year, 12, 21), DayOfWeek.Friday);
    public static DateOnly VtEnd(int year) => LastOnOrBefore(new DateOnly(year, 6, 14), DayOfWeek.Friday);

    public static DateOnly VtStart(int year)
    {
        var d = new DateOnly(year, 1, 8);
        while (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            d = d.AddDays(1);
        }
        return d;
    }

    /// <summary>Easter Sunday (anonymous Gregorian computus).</summary>
    public static DateOnly EasterSunday(int year)
    {
        int a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4;
        int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
        return new DateOnly(year, month, day);
    }

    /// <summary>Lov and red days that fall on weekdays of the term containing <paramref name="termStart"/>.</summary>
    public static List<(DateOnly From, DateOnly To)> HolidaysOf(DateOnly termStart)
    {
        int y = termStart.Year;
        var list = new List<(DateOnly From, DateOnly To)>();
        if (termStart.Month >= 7)
        {
            list.Add(IsoWeek(y, HostlovWeek));
            return list;
        }
        list.Add(IsoWeek(y, SportlovWeek));
        var easter = EasterSunday(y);
        list.Add((easter.AddDays(-2), easter.AddDays(-2)));   // långfredag
        list.Add((easter.AddDays(1), easter.AddDays(5)));     // annandag påsk and the rest of påsklov
        list.Add((new DateOnly(y, 5, 1), new DateOnly(y, 5, 1)));
        var ascension = easter.AddDays(39);
        list.Add((ascension, ascension.AddDays(1)));          // Kristi himmelsfärd and klämdagen
        list.Add((new DateOnly(y, 6, 6), new DateOnly(y, 6, 6)));
        return list;
    }

    /// <summary>
    /// The terms from <paramref name="from"/> to <paramref name="asOf"/>, each cut to that range, in order, with their
    /// school days numbered continuously across terms (summer and Christmas are not school days).
    /// </summary>
    public static List<TermCalendar> Terms(DateOnly from, DateOnly asOf) =>
        TermCalendar.Sequence(from, asOf, y => (VtStart(y), VtEnd(y)), y => (HtStart(y), HtEnd(y)), start => HolidaysOf(start));

    private static (DateOnly, DateOnly) IsoWeek(int year, int week)
    {
        var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
        return (monday, monday.AddDays(4));
    }

    private static DateOnly NextOnOrAfter(DateOnly d, DayOfWeek day) => d.AddDays(((int)day - (int)d.DayOfWeek + 7) % 7);

    private static DateOnly LastOnOrBefore(DateOnly d, DayOfWeek day) => d.AddDays(-(((int)d.DayOfWeek - (int)day + 7) % 7));
}
