namespace Skolnarvaro.Analysis.Reporting;

/// <summary>
/// Each school's school days (days with scheduled time there), ascending, for counting how many school days passed
/// between two nights the way the rektor's page does: the days after the first and up to and including the second.
/// </summary>
public sealed class SchoolCalendar(IReadOnlyDictionary<string, IReadOnlyList<DateOnly>> days)
{
    /// <summary>School days at the school after <paramref name="after"/> up to and including <paramref name="until"/> (0 when until ≤ after).</summary>
    public int DaysBetween(string school, DateOnly after, DateOnly until)
    {
        if (until <= after || !days.TryGetValue(school, out var list))
        {
            return 0;
        }

        return Index(list, until.AddDays(1)) - Index(list, after.AddDays(1));
    }

    /// <summary>The <paramref name="n"/>th school day at the school after <paramref name="after"/>, or null when the calendar has fewer.</summary>
    public DateOnly? NthDayAfter(string school, DateOnly after, int n)
    {
        if (!days.TryGetValue(school, out var list))
        {
            return null;
        }

        var i = Index(list, after.AddDays(1)) + n - 1;
        return n >= 1 && i < list.Count ? list[i] : null;
    }

    /// <summary>The first index whose day is on or after <paramref name="day"/>.</summary>
    private static int Index(IReadOnlyList<DateOnly> list, DateOnly day)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (list[mid] < day)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
