using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Calendar;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// The hand-off to the skolnärvaroteam in the term report. Requests: pupils with "Stöd begärt" dated in the term up to the
/// report date; of them, those with "Stöd påbörjat" by the report date. School days (the school calendar's, after A up to and
/// including B) from "Anmält till huvudmannen" to the request and from the request to the start, as medians. And the pupils
/// whose support began in the term with four whole weeks after it before the report date and registered time on at least 10
/// school days both before and after: their mean absence share in the four weeks before the start and the four weeks from it.
/// What happened, not what the support did: schools ask support for the pupils who worry them most, and high absence tends to
/// fall back by itself.
/// </summary>
public static class SupportReport
{
    public static IEnumerable<(string Measure, double? Value)> Values(
        IReadOnlyList<PupilTerm> members, DateOnly to, Func<string, bool> lateCountsAsAbsence, SchoolCalendar calendar)
    {
        var termStart = Term.Containing(to).Start;
        var requested = members.Where(p => p.Steps.SupportRequestedOn is { } d && d >= termStart && d <= to).ToList();
        var started = requested.Where(p => p.Steps.SupportStartedOn <= to).ToList();
        yield return (Measures.SupportRequested, requested.Count);
        yield return (Measures.SupportStarted, started.Count);
        yield return (Measures.DaysReportToRequest, TermReportBuilder.Median(requested
            .Where(p => p.Steps.ReportedOn is not null)
            .Select(p => calendar.DaysBetween(p.Skolenhetskod, p.Steps.ReportedOn!.Value, p.Steps.SupportRequestedOn!.Value)).ToList()));
        yield return (Measures.DaysRequestToStart, TermReportBuilder.Median(started
            .Select(p => calendar.DaysBetween(p.Skolenhetskod, p.Steps.SupportRequestedOn!.Value, p.Steps.SupportStartedOn!.Value)).ToList()));

        var followed = members.Select(p => Development(p, to, lateCountsAsAbsence(p.Skolenhetskod))).OfType<(double Before, double After)>().ToList();
        yield return (Measures.SupportFollowed, followed.Count);
        yield return (Measures.SupportBefore, followed.Count == 0 ? null : followed.Average(s => s.Before));
        yield return (Measures.SupportAfter, followed.Count == 0 ? null : followed.Average(s => s.After));
    }

    /// <summary>The pupil's absence before and after support began, or null when they cannot be followed four whole weeks by <paramref name="to"/>.</summary>
    public static (double Before, double After)? Development(PupilTerm p, DateOnly to, bool lateCounts)
    {
        if (p.Support is not { } s || s.StartedOn.AddDays(7 * Measures.SupportWeeks - 1) > to)
        {
            return null;
        }

        var minDays = TermReportBuilder.MinimumDays(Measures.SupportWeeks);
        return s.Before.Days >= minDays && s.After.Days >= minDays && s.Before.AbsenceShare(lateCounts) is { } b && s.After.AbsenceShare(lateCounts) is { } a
            ? (b, a)
            : null;
    }
}
