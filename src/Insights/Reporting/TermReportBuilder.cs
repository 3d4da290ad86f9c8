using System.Globalization;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Calendar;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// Turns the pupils, weeks and schools of a term into the report's cells, then suppresses small groups. Pure: the store
/// reads, this computes, so every figure follows from the definitions below.
/// <list type="bullet">
/// <item>Attendance, excused and unexcused absence: minutes over registered minutes (scheduled minus ej rapporterad) of
/// the group's pupils together; sen ankomst counts as absence where the school's thresholds say so.</item>
/// <item>Reporting rate: registered over scheduled minutes, from lessons and days exports only.</item>
/// <item>Levels: each pupil once, at the highest level any nightly run in the term flagged them at.</item>
/// <item>Development: pupils whose first flag at the school fell in the term and whom a sent digest then told the rektor
/// about (the first alert: the first digest sent at the school while they were at a level); absence share in the 4 (8)
/// weeks up to and including that digest's night against the 4 (8) weeks after, counted only when the whole window
/// after lies before the report date and the pupil has registered time on at least half of the window's nominal school
/// days on both sides (10 of 20, 20 of 40). The group's figure is the mean of its pupils' shares.</item>
/// <item>Legal steps (school days are the school calendar's, Skolnarvaro:Calendar; "after A up to B" counts the days after A up
/// to and including B). The pupils of the development's cohort (first flag at the school in the term, then a digest): how
/// many have "utredning inledd" by the report date (not closed before the alert), and the median of the school days from
/// the alert night to that date (0 when it was started on or before the alert). Pupils at hög frånvaro (the highest level
/// in the term) whose ExpectedWithinSchoolDays-th school day after first reaching it has come by the report date: how many
/// had an investigation started by that day (not closed before they reached it). And the pupils followed four weeks after
/// their alert, split by whether an investigation was started by the end of those four weeks: their mean absence before
/// and after, as in the development.</item>
/// </list>
/// </summary>
public static class TermReportBuilder
{
    public static TermReport Build(
        Term term, DateOnly to, int minGroupSize, IReadOnlyList<PupilTerm> pupils, IReadOnlyList<WeekMinutes> weeks,
        IReadOnlyList<SchoolTerm> schools, Func<string, bool> lateCountsAsAbsence, SchoolCalendar calendar, int expectedWithinSchoolDays)
    {
        var groups = new List<(ReportGroup Group, Func<PupilTerm, bool> Member)>
        {
            (new ReportGroup(GroupKind.Municipality, "Hela kommunen"), _ => true),
        };
        var driftsformOf = schools.ToDictionary(s => s.Skolenhetskod, s => s.Driftsform, StringComparer.Ordinal);
        foreach (var form in new[] { "Municipal", "Independent" })
        {
            groups.Add((new ReportGroup(GroupKind.Driftsform, DriftsformName(form, plural: true), Driftsform: form),
                p => driftsformOf.GetValueOrDefault(p.Skolenhetskod) == form));
        }

        foreach (var s in schools)
        {
            groups.Add((new ReportGroup(GroupKind.School, s.Name, s.Skolenhetskod, s.Driftsform), p => p.Skolenhetskod == s.Skolenhetskod));
        }

        foreach (var grade in pupils.Select(p => p.Grade).Distinct().OrderBy(g => g ?? int.MaxValue))
        {
            groups.Add((new ReportGroup(GroupKind.Grade, GradeName(grade), Grade: grade), p => p.Grade == grade));
        }

        var cells = new Dictionary<(int, GenderColumn, string), Cell>();
        for (var g = 0; g < groups.Count; g++)
        {
            foreach (var gender in Enum.GetValues<GenderColumn>())
            {
                var members = pupils.Where(groups[g].Member).Where(p => gender == GenderColumn.All || p.Gender == (gender == GenderColumn.Girls ? 'F' : 'M')).ToList();
                foreach (var (measure, value) in Values(members, to, lateCountsAsAbsence, calendar, expectedWithinSchoolDays))
                {
                    cells[(g, gender, measure)] = new Cell(value, false);
                }
            }
        }

        var reportGroups = groups.Select(g => g.Group).ToList();
        var measures = Measures.For(expectedWithinSchoolDays);
        CellSuppression.Apply(cells, reportGroups, measures, minGroupSize);

        var reportWeeks = WithLov(weeks.Select(w => new ReportWeek(w.IsoYear, w.IsoWeek, w.FirstDay, w.LastDay, w.Pupils,
            Share(w.Excused, w.Registered), Share(w.Unexcused, w.Registered), w.Pupils is > 0 && w.Pupils < minGroupSize)
        {
            Lov = w.Pupils == 0,
            SummaryPupils = w.SummaryPupils,
        }).ToList());
        return new TermReport(term, term.Start, to, minGroupSize, expectedWithinSchoolDays, reportGroups, measures, cells, reportWeeks, schools);
    }

    /// <summary>Every measure's value for one set of pupils (one group and gender), before suppression.</summary>
    public static IEnumerable<(string Measure, double? Value)> Values(
        IReadOnlyList<PupilTerm> members, DateOnly to, Func<string, bool> lateCountsAsAbsence, SchoolCalendar calendar, int expectedWithinSchoolDays)
    {
        long registered = members.Sum(p => p.Term.Registered);
        long absent = members.Sum(p => p.Term.Excused + p.Term.Unexcused + (lateCountsAsAbsence(p.Skolenhetskod) ? p.Term.Late : 0));
        int count = members.Count;
        int atRisk = members.Count(p => p.HighestLevel == Level.AtRisk), high = members.Count(p => p.HighestLevel == Level.High);
        yield return (Measures.Pupils, count);
        yield return (Measures.Attendance, registered == 0 ? null : 1 - (double)absent / registered);
        yield return (Measures.Excused, Share(members.Sum(p => p.Term.Excused), registered));
        yield return (Measures.Unexcused, Share(members.Sum(p => p.Term.Unexcused), registered));
        yield return (Measures.ReportingRate, Share(members.Sum(p => p.RateRegistered), members.Sum(p => p.RateScheduled)));
        yield return (Measures.AtRisk, atRisk);
        yield return (Measures.AtRiskShare, Share(atRisk, count));
        yield return (Measures.High, high);
        yield return (Measures.HighShare, Share(high, count));
        yield return (Measures.Trend, members.Count(p => p.HighestLevel == Level.Trend));
        yield return (Measures.NewlyFlagged, members.Count(p => p.NewlyFlagged));
        yield return (Measures.Reported, members.Count(p => p.Reported));
        foreach (var weeks in Measures.DevelopmentWeeks)
        {
            var followed = members
                .Select(p => (p, shares: Development(p, weeks, to, lateCountsAsAbsence(p.Skolenhetskod))))
                .Where(x => x.shares is not null)
                .Select(x => x.shares!.Value)
                .ToList();
            yield return (Measures.DevPupils(weeks), followed.Count);
            yield return (Measures.DevBefore(weeks), followed.Count == 0 ? null : followed.Average(s => s.Before));
            yield return (Measures.DevAfter(weeks), followed.Count == 0 ? null : followed.Average(s => s.After));
            yield return (Measures.DevLower(weeks), followed.Count == 0 ? null : (double)followed.Count(s => s.After < s.Before) / followed.Count);
        }

        var alerted = members.Where(p => p.Steps.FirstAlert is not null).ToList();
        var days = alerted.Select(p => DaysToInvestigation(p, to, calendar)).OfType<int>().ToList();
        yield return (Measures.Alerted, alerted.Count);
        yield return (Measures.AlertedStarted, days.Count);
        yield return (Measures.DaysToStart, Median(days));

        var inTime = members.Select(p => InvestigatedInTime(p, to, calendar, expectedWithinSchoolDays)).OfType<bool>().ToList();
        yield return (Measures.HighFollowed, inTime.Count);
        yield return (Measures.HighInTime, inTime.Count(x => x));
        yield return (Measures.HighInTimeShare, Share(inTime.Count(x => x), inTime.Count));

        foreach (var value in SupportReport.Values(members, to, lateCountsAsAbsence, calendar))
        {
            yield return value;
        }

        var weeksAfter = Measures.InvestigationWeeks;
        var split = members
            .Select(p => (p, shares: Development(p, weeksAfter, to, lateCountsAsAbsence(p.Skolenhetskod))))
            .Where(x => x.shares is not null)
            .ToLookup(x => x.p.Steps.StartedBy(x.p.Steps.FirstAlert!.Value.AddDays(7 * weeksAfter), x.p.Steps.FirstAlert!.Value), x => x.shares!.Value);
        foreach (var with in new[] { true, false })
        {
            var followed = split[with].ToList();
            yield return (Measures.WithPupils(with), followed.Count);
            yield return (Measures.WithBefore(with), followed.Count == 0 ? null : followed.Average(s => s.Before));
            yield return (Measures.WithAfter(with), followed.Count == 0 ? null : followed.Average(s => s.After));
        }
    }

    /// <summary>
    /// School days from the pupil's first alert to "utredning inledd" (0 when started on or before the alert night), or
    /// null without a first alert in the term or an investigation started by <paramref name="to"/> and open at or after the alert.
    /// </summary>
    public static int? DaysToInvestigation(PupilTerm p, DateOnly to, SchoolCalendar calendar) =>
        p.Steps is { FirstAlert: { } alert, StartedOn: { } started } && p.Steps.StartedBy(to, alert)
            ? calendar.DaysBetween(p.Skolenhetskod, alert, started)
            : null;

    /// <summary>
    /// For a pupil at hög frånvaro in the term whose <paramref name="expected"/>-th school day after first reaching it has
    /// come by <paramref name="to"/>: whether an investigation was started by that day (and not closed before they reached
    /// it). Null for everyone else: not at hög frånvaro, or too recently to say.
    /// </summary>
    public static bool? InvestigatedInTime(PupilTerm p, DateOnly to, SchoolCalendar calendar, int expected) =>
        p.HighestLevel == Level.High && p.Steps.HighSince is { } since
            && calendar.NthDayAfter(p.Skolenhetskod, since, expected) is { } deadline && deadline <= to
            ? p.Steps.StartedBy(deadline, since)
            : null;

    /// <summary>The middle value, or the mean of the two middle ones; null for none.</summary>
    public static double? Median(IReadOnlyList<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2.0;
    }

    /// <summary>A pupil's absence share before and after their first alert over <paramref name="weeks"/> weeks, or null when they cannot be followed that long.</summary>
    public static (double Before, double After)? Development(PupilTerm p, int weeks, DateOnly to, bool lateCounts)
    {
        if (p.Development is not { } d || d.Anchor.AddDays(7 * weeks) > to)
        {
            return null;
        }

        var (before, after) = weeks == 4 ? (d.Before4, d.After4) : (d.Before8, d.After8);
        var minDays = MinimumDays(weeks);
        return before.Days >= minDays && after.Days >= minDays && before.AbsenceShare(lateCounts) is { } b && after.AbsenceShare(lateCounts) is { } a
            ? (b, a)
            : null;
    }

    /// <summary>Half of the window's nominal school days (five a week): 10 for four weeks, 20 for eight.</summary>
    public static int MinimumDays(int weeks) => weeks * 5 / 2;

    public static string DriftsformName(string driftsform, bool plural = false) => (driftsform, plural) switch
    {
        ("Independent", true) => "Fristående skolor",
        ("Independent", false) => "Fristående",
        (_, true) => "Kommunala skolor",
        _ => "Kommunal",
    };

    public static string GradeName(int? grade) => grade switch
    {
        null => "Årskurs okänd",
        0 => "Förskoleklass",
        _ => $"Årskurs {grade}",
    };

    /// <summary>The weeks with a lov week put in where no school had a school day between two weeks that had (no facts at all).</summary>
    private static List<ReportWeek> WithLov(List<ReportWeek> weeks)
    {
        static DateOnly Monday(DateOnly d) => d.AddDays(-(((int)d.DayOfWeek + 6) % 7));
        var all = new List<ReportWeek>();
        foreach (var w in weeks)
        {
            for (var gap = all.Count == 0 ? Monday(w.FirstDay) : Monday(all[^1].FirstDay).AddDays(7); gap < Monday(w.FirstDay); gap = gap.AddDays(7))
            {
                var day = gap.ToDateTime(TimeOnly.MinValue);
                all.Add(new ReportWeek(ISOWeek.GetYear(day), ISOWeek.GetWeekOfYear(day), gap, gap.AddDays(4), 0, null, null, false) { Lov = true });
            }

            all.Add(w);
        }

        return all;
    }

    private static double? Share(long part, long whole) => whole == 0 ? null : (double)part / whole;
}
