using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>One Mon–Fri school week: its Monday and the (contiguous) school-day indices it holds.</summary>
internal sealed record SchoolWeek(int Index, DateOnly Monday, int FirstDay, int DayCount)
{
    public int EndDay => FirstDay + DayCount; // exclusive
}

/// <summary>
/// The school days of one term (or part of one) from its start to the snapshot date: Mon–Fri except the holidays.
/// The single-term sample uses only höstlov (Mon–Fri of ISO week 44); a history's terms get the whole Swedish
/// school calendar from <see cref="SchoolYearCalendar"/>.
/// </summary>
internal sealed class TermCalendar
{
    /// <summary>
    /// The VT and HT terms of the years around the range, each cut to it, in order, numbered continuously: the one loop
    /// every calendar's terms come from, with the calendar's own term dates and holidays.
    /// </summary>
    public static List<TermCalendar> Sequence(
        DateOnly from, DateOnly asOf, Func<int, (DateOnly Start, DateOnly End)> vt, Func<int, (DateOnly Start, DateOnly End)> ht,
        Func<DateOnly, IReadOnlyList<(DateOnly From, DateOnly To)>> holidaysOf)
    {
        var terms = new List<TermCalendar>();
        int dayBase = 0, weekBase = 0;
        for (int year = from.Year - 1; year <= asOf.Year; year++)
        {
            foreach (var (name, start, end) in new[]
            {
                ("VT" + year.ToString(CultureInfo.InvariantCulture), vt(year).Start, vt(year).End),
                ("HT" + year.ToString(CultureInfo.InvariantCulture), ht(year).Start, ht(year).End),
            })
            {
                var s = start < from ? from : start;
                var e = end > asOf ? asOf : end;
                if (s > e)
                {
                    continue;
                }
                var cal = new TermCalendar(s, e, holidaysOf(start), name, dayBase, weekBase);
                if (cal.Days.Count == 0)
                {
                    continue;
                }
                terms.Add(cal);
                dayBase += cal.Days.Count;
                weekBase += cal.Weeks.Count;
            }
        }
        return terms;
    }

    /// <summary>The single-term sample's calendar: every weekday except höstlov (ISO week 44).</summary>
    public TermCalendar(DateOnly termStart, DateOnly asOf)
        : this(termStart, asOf, HostlovOnly(termStart, asOf), name: "", dayBase: 0, weekBase: 0)
    {
    }

    /// <param name="dayBase">Index of this term's first school day in the whole history (0 for a single term).</param>
    /// <param name="weekBase">Index of this term's first school week in the whole history.</param>
    public TermCalendar(DateOnly termStart, DateOnly asOf, IReadOnlyList<(DateOnly From, DateOnly To)> holidays,
        string name, int dayBase, int weekBase)
    {
        TermStart = termStart;
        AsOf = asOf;
        Name = name;
        DayBase = dayBase;
        WeekBase = weekBase;
        Holidays = holidays;

        var days = new List<DateOnly>();
        for (var d = termStart; d <= asOf; d = d.AddDays(1))
        {
            if (d.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
            {
                continue;
            }
            bool holiday = false;
            foreach (var (from, to) in holidays)
            {
                holiday |= d >= from && d <= to;
            }
            if (!holiday)
            {
                days.Add(d);
            }
        }
        Days = days;

        var weeks = new List<SchoolWeek>();
        int i = 0;
        while (i < days.Count)
        {
            var monday = MondayOf(days[i]);
            int first = i;
            while (i < days.Count && MondayOf(days[i]) == monday)
            {
                i++;
            }
            weeks.Add(new SchoolWeek(weeks.Count, monday, first, i - first));
        }
        Weeks = weeks;

        WeekOfDay = new int[days.Count];
        foreach (var w in weeks)
        {
            for (int d = w.FirstDay; d < w.EndDay; d++)
            {
                WeekOfDay[d] = w.Index;
            }
        }
    }

    public DateOnly TermStart { get; }
    public DateOnly AsOf { get; }
    /// <summary>"HT2025", "VT2026", … in a history; empty for the single-term sample.</summary>
    public string Name { get; }
    public int DayBase { get; }
    public int WeekBase { get; }
    public IReadOnlyList<DateOnly> Days { get; }
    public IReadOnlyList<SchoolWeek> Weeks { get; }
    public IReadOnlyList<(DateOnly From, DateOnly To)> Holidays { get; }
    public int[] WeekOfDay { get; }

    /// <summary>Year in which the school year (läsår) containing the term started.</summary>
    public int SchoolYearStart => TermStart.Month >= 7 ? TermStart.Year : TermStart.Year - 1;

    public static DateOnly MondayOf(DateOnly d) => d.AddDays(-(((int)d.DayOfWeek + 6) % 7));

    private static List<(DateOnly From, DateOnly To)> HostlovOnly(DateOnly termStart, DateOnly asOf)
    {
        var holidays = new List<(DateOnly From, DateOnly To)>();
        for (int year = termStart.Year; year <= asOf.Year; year++)
        {
            var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, 44, DayOfWeek.Monday));
            var friday = monday.AddDays(4);
            if (friday >= termStart && monday <= asOf)
            {
                holidays.Add((monday, friday));
            }
        }
        return holidays;
    }
}
