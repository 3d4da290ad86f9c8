using System.Globalization;

namespace Skolnarvaro.Worker.Generate;

/// <summary>One Mon–Fri school week: its Monday and the (contiguous) school-day indices it holds.</summary>
internal sealed record SchoolWeek(int Index, DateOnly Monday, int FirstDay, int DayCount)
{
    public int EndDay => FirstDay + DayCount; // exclusive
}

/// <summary>
/// School days Mon–Fri from term start to the snapshot date, except höstlov
/// (Mon–Fri of ISO week 44 in any calendar year the term spans).
/// </summary>
internal sealed class TermCalendar
{
    public TermCalendar(DateOnly termStart, DateOnly asOf)
    {
        TermStart = termStart;
        AsOf = asOf;

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
    public IReadOnlyList<DateOnly> Days { get; }
    public IReadOnlyList<SchoolWeek> Weeks { get; }
    public IReadOnlyList<(DateOnly From, DateOnly To)> Holidays { get; }
    public int[] WeekOfDay { get; }

    /// <summary>Year in which the school year (läsår) containing the term started.</summary>
    public int SchoolYearStart => TermStart.Month >= 7 ? TermStart.Year : TermStart.Year - 1;

    public static DateOnly MondayOf(DateOnly d) => d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
}
