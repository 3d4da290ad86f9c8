using System.Globalization;

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
    /// non-school days. Unset, the fixed-date holidays and July (<see cref="DefaultNonSchoolDays"/>); a configured list
    /// replaces them (repeat them in it, with the municipality's lov).
    /// </summary>
    public List<string>? NonSchoolDays { get; set; }

    public static readonly IReadOnlyList<string> DefaultNonSchoolDays = ["01-01", "01-06", "05-01", "06-06", "12-24..12-26", "12-31", "07-01..07-31"];

    public IReadOnlyList<string> EffectiveNonSchoolDays => NonSchoolDays ?? DefaultNonSchoolDays;
}

/// <summary>The checks of <see cref="PlausibilityOptions"/>, with the non-school days parsed once.</summary>
public sealed class PlausibilityRules
{
    private readonly List<(DateOnly? From, DateOnly? To, (int M, int D)? AnnualFrom, (int M, int D)? AnnualTo)> days = [];

    public PlausibilityRules(PlausibilityOptions options, DateOnly today)
    {
        Options = options;
        Today = today;
        var schoolYearStart = new DateOnly(today.Month >= 8 ? today.Year : today.Year - 1, 8, 1);
        Earliest = schoolYearStart.AddYears(-Math.Max(0, options.SchoolYearsBack));
        foreach (var entry in options.EffectiveNonSchoolDays)
        {
            if (TryParseEntry(entry, out var parsed, out _))
            {
                days.Add(parsed);
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

    public bool IsNonSchoolDay(DateOnly date)
    {
        foreach (var (from, to, annualFrom, annualTo) in days)
        {
            if (from is { } f && to is { } t && date >= f && date <= t)
            {
                return true;
            }

            if (annualFrom is { } af && annualTo is { } at)
            {
                var md = (date.Month, date.Day);
                var inRange = Compare(af, at) <= 0
                    ? Compare(md, af) >= 0 && Compare(md, at) <= 0
                    : Compare(md, af) >= 0 || Compare(md, at) <= 0; // wraps over the new year: 12-22..01-07
                if (inRange)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static int Compare((int M, int D) a, (int M, int D) b) => a.M != b.M ? a.M.CompareTo(b.M) : a.D.CompareTo(b.D);

    /// <summary>Parses one NonSchoolDays entry; the error names what was expected.</summary>
    public static bool TryParseEntry(
        string entry, out (DateOnly? From, DateOnly? To, (int M, int D)? AnnualFrom, (int M, int D)? AnnualTo) parsed, out string error)
    {
        parsed = default;
        error = "";
        var parts = entry.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2)
        {
            error = "expected a date (2026-12-24), a date every year (12-24) or a range of either (07-01..07-31)";
            return false;
        }

        var last = parts[^1];
        if (DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            && DateOnly.TryParseExact(last, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) && from <= to)
        {
            parsed = (from, to, null, null);
            return true;
        }

        if (DateOnly.TryParseExact($"2000-{parts[0]}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var af)
            && DateOnly.TryParseExact($"2000-{last}", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            parsed = (null, null, (af.Month, af.Day), (at.Month, at.Day));
            return true;
        }

        error = "expected a date (2026-12-24), a date every year (12-24) or a range of either (07-01..07-31), the range not backwards";
        return false;
    }
}
