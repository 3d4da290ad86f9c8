using System.Globalization;

namespace Skolnarvaro.Calendar;

/// <summary>
/// A configured day or days: a date (<c>2027-01-05</c>), a date every year (<c>12-24</c>) or a range of either
/// (<c>07-01..07-31</c>, <c>2026-12-22..2027-01-07</c>; a yearly range may wrap over the new year: <c>12-22..01-07</c>).
/// </summary>
public sealed record DayRule(DateOnly? From, DateOnly? To, (int M, int D)? AnnualFrom, (int M, int D)? AnnualTo)
{
    public const string Expected = "expected a date (2026-12-24), a date every year (12-24) or a range of either (07-01..07-31), the range not backwards";

    public bool Matches(DateOnly date)
    {
        if (From is { } f && To is { } t)
        {
            return date >= f && date <= t;
        }

        var (af, at) = (AnnualFrom!.Value, AnnualTo!.Value);
        var md = (date.Month, date.Day);
        return Compare(af, at) <= 0
            ? Compare(md, af) >= 0 && Compare(md, at) <= 0
            : Compare(md, af) >= 0 || Compare(md, at) <= 0;
    }

    /// <summary>Parses one entry; the error says what was expected.</summary>
    public static bool TryParse(string entry, out DayRule rule, out string error)
    {
        rule = null!;
        error = "";
        var parts = (entry ?? "").Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length is < 1 or > 2)
        {
            error = Expected;
            return false;
        }

        var last = parts[^1];
        if (TryDate(parts[0], out var from) && TryDate(last, out var to) && from <= to)
        {
            rule = new DayRule(from, to, null, null);
            return true;
        }

        if (TryDate($"2000-{parts[0]}", out var af) && TryDate($"2000-{last}", out var at))
        {
            rule = new DayRule(null, null, (af.Month, af.Day), (at.Month, at.Day));
            return true;
        }

        error = Expected;
        return false;
    }

    public static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static int Compare((int M, int D) a, (int M, int D) b) => a.M != b.M ? a.M.CompareTo(b.M) : a.D.CompareTo(b.D);
}
