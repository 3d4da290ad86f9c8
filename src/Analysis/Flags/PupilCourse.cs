using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Flags;

/// <summary>Whether a pupil's recent absence is above, below or about their term's.</summary>
public enum Direction { Unchanged, Rising, Falling }

/// <summary>
/// One school week of a pupil's course: the share of registered time absent, or null without registered time;
/// <paramref name="NoSchool"/> when the school itself had no school day that week but has later (a lov), not missing data.
/// </summary>
public sealed record WeekShare(DateOnly Monday, double? AbsenceShare, bool NoSchool = false);

/// <summary>One spell of whole days of giltig frånvaro, over, with the pupil present every registered day since.</summary>
public sealed record FinishedSpell(DateOnly From, DateOnly To);

/// <summary>
/// A pupil's course as the rektor reads it: week by week, and whether their absence is one finished illness spell —
/// which a rektor need not investigate like absence that goes on or comes back.
/// </summary>
public static class PupilCourse
{
    public const int Weeks = 8;

    /// <summary>Recent and term shares closer than this (in share of time) are "unchanged".</summary>
    public const double DirectionTolerance = 0.03;

    /// <summary>The last <see cref="Weeks"/> calendar weeks up to <paramref name="asOf"/>, oldest first.</summary>
    public static IReadOnlyList<WeekShare> WeeklyShares(ReadOnlySpan<DayFact> days, DateOnly asOf, bool lateCounts)
    {
        var lastMonday = asOf.AddDays(-(((int)asOf.DayOfWeek + 6) % 7));
        var first = lastMonday.AddDays(-7 * (Weeks - 1));
        var registered = new long[Weeks];
        var absent = new long[Weeks];
        foreach (var d in days)
        {
            if (d.Date < first || d.Date > asOf || d.Registered <= 0)
            {
                continue;
            }

            var week = (d.Date.DayNumber - first.DayNumber) / 7;
            registered[week] += d.Registered;
            absent[week] += Math.Min(d.Registered, d.Absent + (lateCounts ? d.Late : 0));
        }

        return Enumerable.Range(0, Weeks)
            .Select(w => new WeekShare(first.AddDays(7 * w), registered[w] == 0 ? null : (double)absent[w] / registered[w]))
            .ToList();
    }

    /// <summary>Marks the weeks without registered time in which the school had no school day, though it had after them: a lov.</summary>
    public static IReadOnlyList<WeekShare> MarkLov(IReadOnlyList<WeekShare> weeks, IReadOnlyList<DateOnly> schoolDays)
    {
        var last = schoolDays.Count == 0 ? DateOnly.MinValue : schoolDays.Max();
        return weeks.Select(w => w.AbsenceShare is null && last > w.Monday.AddDays(6) && !schoolDays.Any(d => d >= w.Monday && d <= w.Monday.AddDays(6))
            ? w with { NoSchool = true } : w).ToList();
    }

    /// <summary>
    /// The pupil's only absence in these days (the term so far) is one spell of consecutive school days absent the whole day
    /// with giltig frånvaro only, and they have been present every registered school day since, at least two: the spell
    /// and its dates; else null.
    /// </summary>
    public static FinishedSpell? FinishedIllnessSpell(ReadOnlySpan<DayFact> days, DateOnly asOf)
    {
        DateOnly? from = null, to = null;
        var presentSince = 0;
        foreach (var d in days)
        {
            if (d.Date > asOf || d.Scheduled <= 0 || d.Registered <= 0)
            {
                continue;
            }

            if (d.Absent == 0 && d.Late == 0)
            {
                presentSince += from is null ? 0 : 1;
                continue;
            }

            // Absence that is part-day, ogiltig, a late arrival, or a second spell: not one finished illness spell.
            if (!d.IsWholeDayAbsent || d.Unexcused > 0 || d.Late > 0 || presentSince > 0)
            {
                return null;
            }

            from ??= d.Date;
            to = d.Date;
        }

        return from is { } f && to is { } t && presentSince >= 2 ? new FinishedSpell(f, t) : null;
    }

    public static Direction DirectionOf(double termShare, double recentShare) =>
        recentShare >= termShare + DirectionTolerance ? Direction.Rising
        : recentShare <= termShare - DirectionTolerance ? Direction.Falling
        : Direction.Unchanged;
}
