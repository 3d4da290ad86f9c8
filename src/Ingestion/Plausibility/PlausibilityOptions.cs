using Skolnarvaro.Calendar;

namespace Skolnarvaro.Ingestion.Plausibility;

/// <summary>
/// What a row may say before it is believed (Skolnarvaro:Plausibility). A row outside these bounds is quarantined with
/// the reason; it is never stored, so it can neither crash a later step nor turn off stale-export detection.
/// </summary>
public sealed class PlausibilityOptions
{
    public const string Section = "Skolnarvaro:Plausibility";

    /// <summary>
    /// Dates from 1 August of this many school years before the current one are accepted (1: this school year and the
    /// previous one). Later than today is never accepted.
    /// </summary>
    public int SchoolYearsBack { get; set; } = 1;

    /// <summary>At most this much scheduled time in one day (also bounds absence and late arrival, which cannot exceed it).</summary>
    public int MaxMinutesPerDay { get; set; } = 600;

    /// <summary>
    /// Days without school: no row may schedule time on them. Each entry is a date every year (<c>12-25</c>), a date
    /// (<c>2027-01-05</c>) or a range of either (<c>07-01..07-31</c>, <c>2026-12-22..2027-01-07</c>). Weekends are always
    /// non-school days. Unset, the public holidays of the school calendar (<see cref="SwedishHolidays"/>: the fixed ones,
    /// långfredag, annandag påsk, Kristi himmelsfärd, midsommarafton) and July; a configured list replaces them. Lov are
    /// not among them: a school's lov may differ from the calendar's, and its rows are kept rather than refused on a guess.
    /// </summary>
    public List<string>? NonSchoolDays { get; set; }
}

/// <summary>The checks of <see cref="PlausibilityOptions"/>, with the non-school days parsed once.</summary>
public sealed class PlausibilityRules
{
    private readonly List<DayRule>? days;

    public PlausibilityRules(PlausibilityOptions options, DateOnly today)
    {
        Options = options;
        Today = today;
        var schoolYearStart = new DateOnly(today.Month >= 8 ? today.Year : today.Year - 1, 8, 1);
        Earliest = schoolYearStart.AddYears(-Math.Max(0, options.SchoolYearsBack));
        if (options.NonSchoolDays is { } configured)
        {
            days = [];
            foreach (var entry in configured)
            {
                if (DayRule.TryParse(entry, out var rule, out _))
                {
                    days.Add(rule);
                }
            }
        }
    }

    public PlausibilityOptions Options { get; }
    public DateOnly Today { get; }
    public DateOnly Earliest { get; }

    /// <summary>Why a row on <paramref name="date"/> is not believable, or null.</summary>
    public string? CheckDate(DateOnly date)
    {
        if (date > Today)
        {
            return $"the date is after today ({Today:yyyy-MM-dd})";
        }

        return date < Earliest
            ? $"the date is outside the school years being imported (from {Earliest:yyyy-MM-dd}; Skolnarvaro:Plausibility:SchoolYearsBack)"
            : null;
    }

    /// <summary>Why scheduled time on <paramref name="date"/> is not believable, or null.</summary>
    public string? CheckSchoolDay(DateOnly date)
    {
        if (date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            return $"scheduled time on a {(date.DayOfWeek == DayOfWeek.Saturday ? "Saturday" : "Sunday")}";
        }

        return IsNonSchoolDay(date) ? "scheduled time on a non-school day (Skolnarvaro:Plausibility:NonSchoolDays)" : null;
    }

    public bool IsNonSchoolDay(DateOnly date) =>
        days?.Any(d => d.Matches(date)) ?? (SwedishHolidays.IsHoliday(date) || date.Month == 7);
}
