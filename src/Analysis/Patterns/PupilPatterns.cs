using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Patterns;

/// <summary>A pupil's lessons in one subject over the recent window (lesson exports only): registered lessons and those absent from.</summary>
public sealed record SubjectFigures(string Subject, int Lessons, int AbsentLessons)
{
    public double Share => Lessons == 0 ? 0 : (double)AbsentLessons / Lessons;
}

/// <summary>How a pupil's absence is shaped: one long spell, scattered part days (ströfrånvaro), both, or neither.</summary>
public enum AbsenceShape { None, LongSpell, Scattered, Both }

/// <summary>The behaviours worth naming for one pupil. Each is a fact about what the pupil did, never a reason.</summary>
public sealed record PupilPatterns(
    WeekdayFigures? RecurringWeekday,
    SubjectFigures? OneSubject,
    bool LongSpell,
    bool Scattered,
    bool LateArrivals)
{
    public static readonly PupilPatterns None = new(null, null, false, false, false);

    public AbsenceShape Shape => (LongSpell, Scattered) switch
    {
        (true, true) => AbsenceShape.Both,
        (true, false) => AbsenceShape.LongSpell,
        (false, true) => AbsenceShape.Scattered,
        _ => AbsenceShape.None,
    };

    /// <summary>
    /// Finds the patterns in a pupil's figures and, from lesson exports, their subjects over the recent window
    /// (empty when the school sends day or summary exports: the subject pattern is then simply not found).
    /// </summary>
    public static PupilPatterns Find(PupilFigures f, IReadOnlyList<SubjectFigures>? subjects, PatternOptions o)
    {
        // A weekday is a pattern only when it stands out from the pupil's other days: at least twice as often and by 40
        // percentage points. A pupil absent every day is absent every Monday too, and one absent a day in four hits 3 of 5
        // Mondays by chance for about one weekday in ten.
        var weekday = f.Weekday is { } w && w.AbsentDays >= o.RecurringWeekday.MinDays && w.OtherRate * 2 <= w.Rate && w.Rate - w.OtherRate >= 0.4
            ? w : null;
        return new PupilPatterns(
            weekday,
            MostMissedSubject(subjects, o.OneSubject),
            f.LongestSpellDays >= o.LongSpell.MinDays,
            f.Recent.PartDays >= o.Scattered.MinDays,
            f.Recent.LateDays >= o.LateArrivals.MinDays);
    }

    /// <summary>The subject the pupil misses most, if they miss it much more than the rest of their lessons.</summary>
    private static SubjectFigures? MostMissedSubject(IReadOnlyList<SubjectFigures>? subjects, SubjectPattern o)
    {
        if (subjects is not { Count: > 1 })
        {
            return null;
        }

        var best = subjects
            .Where(s => s.Lessons >= o.MinLessons && s.Share >= o.MinShare - 1e-9)
            .OrderByDescending(s => s.Share).ThenByDescending(s => s.AbsentLessons).ThenBy(s => s.Subject, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best is null)
        {
            return null;
        }

        var otherLessons = subjects.Where(s => !ReferenceEquals(s, best)).Sum(s => s.Lessons);
        var otherAbsent = subjects.Where(s => !ReferenceEquals(s, best)).Sum(s => s.AbsentLessons);
        var otherShare = otherLessons == 0 ? 0 : (double)otherAbsent / otherLessons;
        return otherLessons > 0 && otherShare * 2 <= best.Share ? best : null;
    }
}
