using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Skolnarvaro.Calendar;

/// <summary>
/// The one school calendar (Skolnarvaro:Calendar, and Skolnarvaro:Schools:n:Calendar where a school differs): which days
/// are school days at a school, and how many passed between two dates. Stale exports, the overdue investigations, the
/// digest cadence and the term report all count with it, so they agree.
/// </summary>
public sealed class SchoolCalendar
{
    private readonly CalendarRules municipal;
    private readonly Dictionary<string, CalendarRules> schools = new(StringComparer.Ordinal);
    // Per school (or "" for the municipality's calendar) and year: that year's terms, breaks and days off, computed once.
    private readonly ConcurrentDictionary<(string School, int Year), CalendarYear> years = new();

    public SchoolCalendar(IOptions<CalendarOptions> options)
        : this(options.Value)
    {
    }

    public SchoolCalendar(CalendarOptions options)
    {
        var errors = new List<string>();
        municipal = CalendarRules.Parse(options, CalendarOptions.Section, errors);
        for (var i = 0; i < options.Schools.Count; i++)
        {
            if (options.Schools[i] is { Calendar: { } own } school)
            {
                schools[school.Skolenhetskod] = CalendarRules.Parse(own, $"Skolnarvaro:Schools:{i}:Calendar", errors).Over(municipal, own);
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(CalendarOptions.Section, typeof(CalendarOptions), errors);
        }
    }

    /// <summary>The calendar with every default and no school of its own (tests, tools).</summary>
    public static SchoolCalendar Default { get; } = new(new CalendarOptions());

    /// <summary>A weekday in a term, not in a break and not a holiday.</summary>
    public bool IsSchoolDay(string school, DateOnly date) =>
        date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !Year(school, date.Year).IsOff(date);

    /// <summary>
    /// Whether <paramref name="date"/> is in a break at the school: between terms (jullov, sommarlov), in a lov or on a
    /// holiday. A weekend inside a term is not a break.
    /// </summary>
    public bool IsBreak(string school, DateOnly date) => Year(school, date.Year).IsOff(date);

    /// <summary>School days at the school after <paramref name="after"/> up to and including <paramref name="until"/> (0 when until ≤ after).</summary>
    public int DaysBetween(string school, DateOnly after, DateOnly until)
    {
        var count = 0;
        for (var d = after.AddDays(1); d <= until; d = d.AddDays(1))
        {
            count += IsSchoolDay(school, d) ? 1 : 0;
        }

        return count;
    }

    /// <summary>
    /// The <paramref name="n"/>th school day at the school after <paramref name="after"/>; null for n &lt; 1, or when the
    /// calendar has none within three years (a calendar configured to be all holidays).
    /// </summary>
    public DateOnly? NthDayAfter(string school, DateOnly after, int n)
    {
        var found = 0;
        for (var d = after.AddDays(1); n >= 1 && d <= after.AddYears(3); d = d.AddDays(1))
        {
            if (IsSchoolDay(school, d) && ++found == n)
            {
                return d;
            }
        }

        return null;
    }

    /// <summary>The term at the school that <paramref name="date"/> falls in, or null between terms.</summary>
    public CalendarTerm? TermOn(string school, DateOnly date) => Year(school, date.Year).Terms.FirstOrDefault(t => t.Contains(date));

    /// <summary>The school's terms and breaks in a year, for showing and checking the calendar.</summary>
    public (IReadOnlyList<CalendarTerm> Terms, IReadOnlyList<CalendarBreak> Breaks) Of(string school, int year)
    {
        var y = Year(school, year);
        return (y.Terms, y.Breaks);
    }

    private CalendarYear Year(string school, int year)
    {
        var key = schools.ContainsKey(school) ? school : "";
        return years.GetOrAdd((key, year), k => CalendarYear.Compute(k.School.Length == 0 ? municipal : schools[k.School], k.Year));
    }

    private sealed record CalendarYear(IReadOnlyList<CalendarTerm> Terms, IReadOnlyList<CalendarBreak> Breaks, bool[] Off)
    {
        public bool IsOff(DateOnly date) => Off[date.DayOfYear - 1];

        public static CalendarYear Compute(CalendarRules rules, int year)
        {
            var y = year.ToString(CultureInfo.InvariantCulture);
            var vt = rules.Terms.FirstOrDefault(t => t.Name == $"VT{y}") ?? new CalendarTerm($"VT{y}", VtStart(year), VtEnd(year));
            var ht = rules.Terms.FirstOrDefault(t => t.Name == $"HT{y}") ?? new CalendarTerm($"HT{y}", HtStart(year), HtEnd(year));
            var easter = SwedishHolidays.EasterSunday(year);
            var pasklov = rules.Pasklov == Pasklov.AfterEaster ? easter.AddDays(1) : easter.AddDays(-6);
            CalendarBreak[] computed =
            [
                Week("Sportlov", year, rules.SportlovWeek),
                new("Påsklov", pasklov, pasklov.AddDays(4)),
                Week("Höstlov", year, rules.HostlovWeek),
            ];
            // A configured break of the same name in the same half-year replaces the computed one.
            List<CalendarBreak> breaks =
            [
                .. computed.Where(c => !rules.Breaks.Any(b => b.Kind == c.Kind && b.Half == c.Half)),
                .. rules.Breaks.Where(b => b.From.Year <= year && b.To.Year >= year),
            ];
            var klamdag = SwedishHolidays.Ascension(year).AddDays(1);
            var off = new bool[DateTime.IsLeapYear(year) ? 366 : 365];
            for (var d = new DateOnly(year, 1, 1); d.Year == year; d = d.AddDays(1))
            {
                off[d.DayOfYear - 1] = !(vt.Contains(d) || ht.Contains(d))
                    || breaks.Any(b => d >= b.From && d <= b.To)
                    || SwedishHolidays.IsHoliday(d)
                    || (rules.Klamdag && d == klamdag)
                    || rules.Holidays.Any(h => h.Matches(d));
            }

            return new CalendarYear([vt, ht], [.. breaks.OrderBy(b => b.From)], off);
        }

        private static CalendarBreak Week(string name, int year, int week)
        {
            var monday = DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));
            return new CalendarBreak(name, monday, monday.AddDays(4));
        }

        private static DateOnly HtStart(int year) => NextOnOrAfter(new DateOnly(year, 8, 15), DayOfWeek.Monday);

        private static DateOnly HtEnd(int year) => LastOnOrBefore(new DateOnly(year, 12, 21), DayOfWeek.Friday);

        private static DateOnly VtEnd(int year) => LastOnOrBefore(new DateOnly(year, 6, 14), DayOfWeek.Friday);

        private static DateOnly VtStart(int year)
        {
            var d = new DateOnly(year, 1, 8);
            return d.DayOfWeek switch { DayOfWeek.Saturday => d.AddDays(2), DayOfWeek.Sunday => d.AddDays(1), _ => d };
        }

        private static DateOnly NextOnOrAfter(DateOnly d, DayOfWeek day) => d.AddDays(((int)day - (int)d.DayOfWeek + 7) % 7);

        private static DateOnly LastOnOrBefore(DateOnly d, DayOfWeek day) => d.AddDays(-(((int)d.DayOfWeek - (int)day + 7) % 7));
    }
}
