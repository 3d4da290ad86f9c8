using System.Globalization;
using Skolnarvaro.Generator.Dynamics;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Generator.Tests.Dynamics;

/// <summary>
/// The second history generator (<c>--dynamics published</c>): each published dynamic shows up in what the days exports
/// say, measured the way an analyst would measure it, on one history of 8 schools and 3,000 pupils.
/// </summary>
public sealed class PublishedDynamicsTests(PublishedHistoryFixture h) : IClassFixture<PublishedHistoryFixture>
{
    [Fact]
    public void The_municipality_has_kommunala_and_fristaende_schools_exporting_days_lessons_and_summaries()
    {
        var registry = PublishedHistoryFiles.Registry(h.Dir);

        registry.Should().HaveCount(8);
        registry.Select(s => s.Driftsform).Should().Contain(["Municipal", "Independent"]);
        registry.Select(s => s.Profile).Distinct().Should().Contain(["days-default", "lessons-default", "summary-default", "vklass-lessons"]);
        h.Result.Pupils.Should().BeInRange(3000, 3800, "3,000 at the start, then new förskoleklasser and arrivals");
        h.Days.Select(r => r.Class[0]).Distinct().Should().Contain(['F', '1', '5', '9'], "förskoleklass to grade 9");
    }

    [Fact]
    public void The_calendar_has_no_school_on_hostlov_sportlov_paasklov_jullov_or_red_days()
    {
        var calendar = new RegionalCalendar(7, PublishedHistoryFixture.From, PublishedHistoryFixture.AsOf);
        var days = calendar.Days.ToHashSet();
        static DateOnly Monday(int year, int week) => DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday));

        calendar.SportlovWeek.Should().BeInRange(7, 10);
        foreach (var lov in new[] { Monday(2025, 44), Monday(2026, calendar.SportlovWeek), Monday(2026, 44) })
        {
            Enumerable.Range(0, 5).Select(lov.AddDays).Should().NotIntersectWith(days, "{0} starts a lov", lov);
        }
        days.Should().NotContain([new(2025, 12, 24), new(2026, 1, 2), new(2026, 4, 3), new(2026, 4, 6), new(2026, 5, 1), new(2026, 5, 14), new(2026, 5, 15)]);
        days.Where(d => d >= new DateOnly(2026, 3, 30) && d <= new DateOnly(2026, 4, 10)).Should().HaveCount(4, "påsklov takes the week before or after Easter 2026, and annandag påsk is a red day");
        days.Should().Contain(new DateOnly(2025, 12, 19)).And.Contain(new DateOnly(2026, 1, 8)).And.Contain(new DateOnly(2026, 6, 12));
        h.Days.Select(r => r.Date).Should().OnlyContain(d => days.Contains(d), "the exports hold school days only");
    }

    [Fact]
    public void Lasting_problems_begin_in_every_term_for_a_small_share_of_pupils()
    {
        var onsets = h.Truth.Values.Where(t => t.Onset is not null).GroupBy(t => PublishedHistoryFiles.Term(t.Onset!.Value))
            .ToDictionary(g => g.Key, g => g.Count());

        onsets.Keys.Should().BeEquivalentTo(["HT2025", "VT2026", "HT2026"]);
        onsets.Values.Should().OnlyContain(n => n >= 30 && n <= 300, "a small fraction of about 3,000 pupils a term");
        h.Truth.Values.Select(t => t.Course).Distinct().Should().Contain(Enum.GetNames<CourseKind>());
    }

    [Fact]
    public void Term_shares_sit_near_published_figures_and_rise_with_grade()
    {
        var terms = h.Days.GroupBy(r => (Term: PublishedHistoryFiles.Term(r.Date), r.Pnr)).Where(g => g.Count() >= 20)
            .Select(g => (g.Key.Term, Grade: g.First().Class[0], Share: g.Sum(r => r.Absent) / (double)g.Sum(r => r.Scheduled)))
            .GroupBy(p => p.Term).ToDictionary(g => g.Key, g => g.ToList());
        static double AtLeast15(IEnumerable<(string, char, double Share)> pupils) => pupils.Average(p => p.Share >= 0.15 ? 1.0 : 0.0);

        foreach (var (term, pupils) in terms)
        {
            // Skolverket: about one pupil in seven at 15 % or more over a term, more in the older grades.
            AtLeast15(pupils).Should().BeInRange(0.06, 0.22, term);
            AtLeast15(pupils.Where(p => p.Grade is '7' or '8' or '9')).Should().BeGreaterThan(AtLeast15(pupils.Where(p => p.Grade is 'F' or '1' or '2' or '3')), term);
        }
    }

    [Fact]
    public void Monday_Friday_pupils_miss_far_more_Mondays_and_Fridays_than_other_pupils()
    {
        double MondayFridayShare(Func<TruthRow, bool> who)
        {
            var whole = h.ByPupil.Where(p => h.Truth.TryGetValue(p.Key, out var t) && who(t)).SelectMany(p => p.Value).Where(r => r.WholeDay).ToList();
            return whole.Count(r => r.Date.DayOfWeek is DayOfWeek.Monday or DayOfWeek.Friday) / (double)whole.Count;
        }

        double pattern = MondayFridayShare(t => t.Course == nameof(CourseKind.MondayFriday));
        double healthy = MondayFridayShare(t => t.Course == nameof(CourseKind.Healthy));

        healthy.Should().BeInRange(0.38, 0.46, "two weekdays of five, a little more on Fridays");
        pattern.Should().BeGreaterThan(0.6);
    }

    [Fact]
    public void A_holiday_onset_pupil_is_absent_far_more_in_the_weeks_after_the_lov_than_before_it()
    {
        var pupils = h.WithOnset(nameof(CourseKind.HolidayOnset)).Select(p => ShareAround(p.Days, p.Truth.Onset!.Value, 15))
            .Where(s => s is not null).Select(s => s!.Value).ToList();

        pupils.Should().HaveCountGreaterThan(10);
        pupils.Count(s => s.After - s.Before >= 0.2).Should().BeGreaterThan(pupils.Count * 7 / 10);
        pupils.Average(s => s.Before).Should().BeLessThan(0.1);
    }

    [Fact]
    public void A_sudden_refusal_goes_from_attending_to_absent_nearly_every_day_within_days()
    {
        var pupils = h.WithOnset(nameof(CourseKind.SuddenRefusal)).Select(p => ShareAround(p.Days, p.Truth.Onset!.Value, 10))
            .Where(s => s is not null).Select(s => s!.Value).ToList();

        pupils.Should().HaveCountGreaterThan(10);
        pupils.Count(s => s.Before < 0.2 && s.After > 0.7).Should().BeGreaterThan(pupils.Count * 7 / 10);
    }

    [Fact]
    public void Gradual_withdrawal_starts_with_late_arrivals_and_part_days_and_turns_to_whole_days()
    {
        int earlyPart = 0, earlyWhole = 0, latePart = 0, lateWhole = 0;
        foreach (var (truth, days) in h.WithOnset(nameof(CourseKind.GradualWithdrawal)))
        {
            var after = days.Where(r => r.Date >= truth.Onset!.Value).ToArray();
            var early = after.Take(20).ToList();
            var late = after.Skip(60).Take(40).ToList();
            earlyPart += early.Count(r => r.PartDay || r.Late > 0);
            earlyWhole += early.Count(r => r.WholeDay);
            latePart += late.Count(r => r.PartDay || r.Late > 0);
            lateWhole += late.Count(r => r.WholeDay);
        }

        earlyPart.Should().BeGreaterThan(earlyWhole, "the first weeks are late arrivals and single lessons");
        (lateWhole / (double)Math.Max(1, latePart)).Should().BeGreaterThan(2 * earlyWhole / (double)Math.Max(1, earlyPart), "whole days come later");
    }

    [Fact]
    public void Chronic_illness_comes_in_spells_with_returns_to_full_attendance_between_them()
    {
        var chronic = h.ByPupil.Where(p => h.Truth.TryGetValue(p.Key, out var t) && t.Course == nameof(CourseKind.ChronicIllness)
                && (t.Onset is null || t.Onset < new DateOnly(2025, 10, 1)))
            .Select(p => p.Value).Where(d => d.Length > 150).ToList();

        chronic.Should().HaveCountGreaterThan(5);
        foreach (var days in chronic)
        {
            Runs(days, r => r.WholeDay && r.Excused > 0, 3).Should().BeGreaterThan(2, "recurring spells of several days");
            Runs(days, r => !r.WholeDay, 8).Should().BeGreaterThan(2, "weeks back at school between the spells");
        }
    }

    [Fact]
    public void An_outbreak_raises_its_class_whole_day_absence_in_its_week_and_spares_the_other_classes()
    {
        var byClass = h.Days.GroupBy(r => r.Code + "|" + r.Class + "|" + PublishedHistoryFiles.Term(r.Date)).ToDictionary(g => g.Key, g => g.ToList());
        var codes = PublishedHistoryFiles.Registry(h.Dir).Where(s => s.Profile == "days-default").Select(s => s.Code).ToHashSet();
        var outbreaks = PublishedHistoryFiles.Outbreaks(h.Dir).Where(o => codes.Contains(o.Code) && o.Ill >= 4).ToList();
        int raised = 0;
        foreach (var o in outbreaks)
        {
            var rows = byClass[o.Code + "|" + o.Class + "|" + PublishedHistoryFiles.Term(o.Start)];
            double week = WholeDayShare(rows.Where(r => r.Date >= o.Start && r.Date < o.Start.AddDays(7)));
            double usual = WholeDayShare(rows.Where(r => r.Date < o.Start.AddDays(-14) || r.Date > o.Start.AddDays(21)));
            raised += week > 2 * usual ? 1 : 0;
        }

        outbreaks.Should().HaveCountGreaterThan(20);
        raised.Should().BeGreaterThan(outbreaks.Count * 3 / 4);
    }

    [Fact]
    public void Family_trips_are_blocks_of_one_or_two_weeks_of_giltig_franvaro()
    {
        var tripped = h.ByPupil.Where(p => h.Truth.TryGetValue(p.Key, out var t) && t.Trips.Contains("beviljad", StringComparison.Ordinal)
            && !t.Trips.Contains("ej beviljad", StringComparison.Ordinal) && t.Course == nameof(CourseKind.Healthy)).ToList();

        tripped.Count.Should().BeInRange(h.ByPupil.Count / 40, h.ByPupil.Count / 4, "about one pupil in ten a school year");
        tripped.Count(p => Runs(p.Value, r => r.WholeDay && r.Unexcused == 0, 5) > 0).Should().BeGreaterThan(tripped.Count * 8 / 10);
    }

    [Fact]
    public void Pupils_leave_and_arrive_in_the_middle_of_terms()
    {
        var moves = h.Truth.Values.Where(t => t.Moves.Length > 0).ToList();
        var termEnds = new[] { new DateOnly(2025, 12, 19), new DateOnly(2026, 6, 12), PublishedHistoryFixture.AsOf };
        var termStarts = h.Days.GroupBy(r => PublishedHistoryFiles.Term(r.Date)).Select(g => g.Min(r => r.Date)).ToHashSet();

        moves.Count(t => t.Moves.Contains("flyttade från kommunen", StringComparison.Ordinal)).Should().BeGreaterThan(5);
        moves.Count(t => t.Moves.Contains("flyttade till kommunen", StringComparison.Ordinal)).Should().BeGreaterThan(10);
        moves.Count(t => t.Moves.Contains("bytte skola 20", StringComparison.Ordinal)).Should().BeGreaterThan(5);
        // In the exports: pupils whose rows begin after a term started or stop before it ended.
        var spans = h.ByPupil.Values.SelectMany(d => d.GroupBy(r => PublishedHistoryFiles.Term(r.Date)).Select(g => (First: g.First().Date, Last: g.Last().Date))).ToList();
        spans.Count(s => !termStarts.Contains(s.First)).Should().BeGreaterThan(10);
        spans.Count(s => !termEnds.Contains(s.Last)).Should().BeGreaterThan(5);
    }

    /// <summary>The absence share of the <paramref name="n"/> school days before the onset and from it; null without enough days on both sides.</summary>
    private static (double Before, double After)? ShareAround(DayRow[] days, DateOnly onset, int n)
    {
        var before = days.Where(r => r.Date < onset).TakeLast(n).ToList();
        var after = days.Where(r => r.Date >= onset).Take(n).ToList();
        if (before.Count < n || after.Count < n)
        {
            return null;
        }
        return (Share(before), Share(after));
    }

    private static double Share(IEnumerable<DayRow> rows)
    {
        var list = rows.ToList();
        return list.Sum(r => r.Absent) / (double)Math.Max(1, list.Sum(r => r.Scheduled));
    }

    private static double WholeDayShare(IEnumerable<DayRow> rows)
    {
        var list = rows.ToList();
        return list.Count(r => r.WholeDay) / (double)Math.Max(1, list.Count);
    }

    /// <summary>How many runs of at least <paramref name="min"/> consecutive rows satisfy <paramref name="day"/>.</summary>
    private static int Runs(DayRow[] days, Func<DayRow, bool> day, int min)
    {
        int runs = 0, length = 0;
        for (int i = 0; i <= days.Length; i++)
        {
            if (i < days.Length && day(days[i]))
            {
                length++;
                continue;
            }
            runs += length >= min ? 1 : 0;
            length = 0;
        }
        return runs;
    }
}
