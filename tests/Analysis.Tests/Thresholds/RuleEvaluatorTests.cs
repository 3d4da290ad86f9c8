using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>The rules on hand-built fact histories, no database: figures in, level out. One test per rule and boundary.</summary>
public sealed class RuleEvaluatorTests
{
    private static readonly byte[] Key = [1, 2, 3];
    private static readonly ThresholdOptions Defaults = new();
    private static readonly DateOnly Start = new(2026, 9, 7);

    private static List<DayFact> Days(DateOnly start, int count, Func<int, int> absentMinutes, int scheduled = 300)
    {
        var days = new List<DayFact>();
        for (var d = start; days.Count < count; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(new DayFact(d, scheduled, 0, absentMinutes(days.Count), 0, 0));
            }
        }

        return days;
    }

    private static Assessment Assess(List<DayFact> days, ThresholdOptions? options = null)
    {
        var o = options ?? Defaults;
        return RuleEvaluator.Evaluate(PupilFigures.Compute(Key, "12345678", days, days[^1].Date, o.RecentWindowDays), o);
    }

    [Fact]
    public void Exactly_ten_percent_is_riskfranvaro_and_just_below_is_nothing()
    {
        Assess(Days(Start, 20, i => i < 2 ? 300 : 0)).Level.Should().Be(Level.AtRisk);
        Assess(Days(Start, 20, i => i < 2 ? 299 : 0)).Level.Should().BeNull();
    }

    [Fact]
    public void Exactly_twenty_percent_is_hog_franvaro_and_just_below_is_riskfranvaro()
    {
        Assess(Days(Start, 20, i => i % 5 == 0 ? 300 : 0)).Level.Should().Be(Level.High);
        Assess(Days(Start, 20, i => i % 5 == 0 ? (i == 0 ? 299 : 300) : 0)).Level.Should().Be(Level.AtRisk);
    }

    [Fact]
    public void A_holiday_inside_the_window_does_not_dilute_it()
    {
        // Four weeks of school with a week of höstlov in the middle: the holiday has no scheduled time.
        var days = Days(new DateOnly(2026, 10, 12), 10, i => i == 0 || i == 9 ? 300 : 0)
            .Concat(Days(new DateOnly(2026, 10, 26), 5, _ => 0, scheduled: 0))
            .Concat(Days(new DateOnly(2026, 11, 2), 10, _ => 0))
            .ToList();

        var figures = PupilFigures.Compute(Key, "12345678", days, days[^1].Date, 20);

        figures.Recent.Days.Should().Be(20, "the window counts school days with scheduled time");
        figures.Recent.From.Should().Be(new DateOnly(2026, 10, 12));
        figures.Recent.AbsenceShare(false).Should().BeApproximately(0.10, 1e-9);
        Assess(days).Level.Should().Be(Level.AtRisk);
    }

    [Fact]
    public void A_holiday_inside_a_spell_neither_breaks_nor_extends_it()
    {
        var days = Days(new DateOnly(2026, 10, 12), 10, i => i >= 7 ? 300 : 0)
            .Concat(Days(new DateOnly(2026, 10, 26), 5, _ => 0, scheduled: 0))
            .Concat(Days(new DateOnly(2026, 11, 2), 2, _ => 300))
            .ToList();

        var assessment = Assess(days);

        assessment.Figures.LongestSpellDays.Should().Be(5);
        assessment.Figures.CurrentSpellDays.Should().Be(5);
        assessment.Level.Should().Be(Level.High);
    }

    [Fact]
    public void Five_whole_days_in_a_row_is_hog_franvaro_even_at_a_lower_share()
    {
        var assessment = Assess(Days(Start, 40, i => i is >= 30 and < 35 ? 300 : 0));

        assessment.Level.Should().Be(Level.High);
        assessment.Figures.LongestSpellDays.Should().Be(5);
        assessment.RulesMet.Should().Contain("High:ConsecutiveDaysAbsent");
        assessment.Descriptions.Should().Contain(d => d.Contains("5 skoldagar i följd"));
    }

    [Fact]
    public void Four_whole_days_in_a_row_is_not_a_spell_of_five()
    {
        var spellOnly = new ThresholdOptions { High = new LevelRules { ConsecutiveDaysAbsent = 5 } };

        var assessment = Assess(Days(Start, 40, i => i is >= 30 and < 34 ? 300 : 0), spellOnly);

        assessment.Figures.LongestSpellDays.Should().Be(4);
        assessment.Level.Should().Be(Level.AtRisk, "4 of the last 20 days is 20 %, over the 10 % of riskfrånvaro");
        assessment.RulesMet.Should().Equal("AtRisk:AbsenceShare:Recent");
    }

    [Fact]
    public void A_spell_that_ended_before_the_recent_window_is_history_not_a_signal()
    {
        var days = Days(Start, 45, i => i < 5 ? 300 : 0);

        var assessment = Assess(days, new ThresholdOptions { High = new LevelRules { ConsecutiveDaysAbsent = 5 }, AtRisk = new LevelRules { ConsecutiveDaysAbsent = 3 } });

        assessment.Figures.LongestSpellDays.Should().Be(0);
        assessment.Level.Should().BeNull();
    }

    [Fact]
    public void No_flag_before_the_minimum_number_of_scheduled_days()
    {
        Assess(Days(Start, 9, _ => 300)).Level.Should().BeNull();
        Assess(Days(Start, 10, _ => 300)).Level.Should().Be(Level.High);
        Assess(Days(Start, 5, _ => 300), new ThresholdOptions { MinimumScheduledDays = 5 }).Level.Should().Be(Level.High);
    }

    [Fact]
    public void Late_arrival_counts_as_absence_only_when_the_setting_says_so()
    {
        var days = Days(Start, 20, _ => 0).Select(d => d with { Late = 30 }).ToList();

        Assess(days).Level.Should().BeNull();
        Assess(days, new ThresholdOptions { LateCountsAsAbsence = true }).Level.Should().Be(Level.AtRisk);
    }

    [Fact]
    public void Late_arrivals_on_enough_days_reach_a_level_when_that_rule_is_set()
    {
        var days = Days(Start, 20, _ => 0).Select((d, i) => i % 3 == 0 ? d with { Late = 10 } : d).ToList();   // 7 late days
        var options = new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.10, LateArrivals = 7 } };

        Assess(days).Level.Should().BeNull();
        Assess(days, options).Level.Should().Be(Level.AtRisk);
        Assess(days, options).RulesMet.Should().Equal("AtRisk:LateArrivals");
        Assess(days, new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.10, LateArrivals = 8 } }).Level.Should().BeNull();
    }

    [Fact]
    public void Unexcused_minutes_reach_a_level_in_the_window_the_rule_names()
    {
        // 540 minutes ogiltig frånvaro, all in the first week of a 40-day term: in the term, not in the last 20 days.
        var days = Days(Start, 40, i => i < 6 ? 90 : 0);
        var recent = new ThresholdOptions { AtRisk = new LevelRules { UnexcusedMinutes = 540 } };
        var term = new ThresholdOptions { AtRisk = new LevelRules { UnexcusedMinutes = 540, UnexcusedWindow = Window.Term } };

        Assess(days, recent).Level.Should().BeNull();
        Assess(days, term).Level.Should().Be(Level.AtRisk);
        Assess(days, term).RulesMet.Should().Equal("AtRisk:UnexcusedMinutes:Term");
        Assess(Days(Start, 40, i => i >= 34 ? 90 : 0), recent).Level.Should().Be(Level.AtRisk);
        Assess(Days(Start, 40, i => i >= 34 ? 89 : 0), recent).Level.Should().BeNull();
    }

    [Fact]
    public void The_absence_share_looks_at_the_window_the_rule_names()
    {
        // 30 % in the first 20 days, nothing since: 15 % of the term, 0 % of the recent window.
        var days = Days(Start, 40, i => i < 20 && i % 10 < 3 ? 300 : 0);

        Assess(days).Level.Should().Be(Level.AtRisk, "the default is the recent window or the term to date");
        Assess(days).RulesMet.Should().Equal("AtRisk:AbsenceShare:Term");
        Assess(days, new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.10, AbsenceShareWindow = ShareWindow.Recent } })
            .Level.Should().BeNull();
        Assess(days, new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.10, AbsenceShareWindow = ShareWindow.Term } })
            .Level.Should().Be(Level.AtRisk);
    }

    [Fact]
    public void Unregistered_time_is_not_counted_as_absence_or_presence()
    {
        // Half the time not registered (ej rapporterad): 300 of the 3,000 registered minutes absent is 10 %.
        var days = Days(Start, 20, i => i == 0 ? 300 : 0).Select(d => d with { NotReported = 150 }).ToList();
        days[0] = days[0] with { NotReported = 0 };

        Assess(days).Figures.Recent.AbsenceShare(false).Should().BeApproximately(300.0 / (300 + 19 * 150), 1e-9);
    }

    [Fact]
    public void Excused_unexcused_and_late_shares_are_kept_apart_per_window()
    {
        var days = Days(Start, 20, _ => 0).Select((d, i) => i switch
        {
            0 => d with { Excused = 300 },
            1 => d with { Unexcused = 150 },
            2 => d with { Late = 30 },
            _ => d,
        }).ToList();

        var f = Assess(days).Figures;

        f.Recent.ExcusedShare.Should().BeApproximately(300.0 / 6000, 1e-9);
        f.Recent.UnexcusedShare.Should().BeApproximately(150.0 / 6000, 1e-9);
        f.Recent.LateShare.Should().BeApproximately(30.0 / 6000, 1e-9);
        (f.Recent.WholeDays, f.Recent.PartDays, f.Recent.LateDays, f.Recent.AbsenceDays).Should().Be((1, 1, 1, 2));
    }

    [Fact]
    public void A_days_figures_are_the_same_whether_later_days_are_known_or_not()
    {
        // The back-test hands the whole term and a date; the nightly run only the days up to it.
        var days = Days(Start, 40, i => i % 4 == 0 ? 200 : 0);
        var asOf = days[24].Date;

        var fromAll = PupilFigures.Compute(Key, "12345678", days, asOf, 20);
        var fromSome = PupilFigures.Compute(Key, "12345678", days.Take(25).ToList(), asOf, 20);

        fromAll.Should().BeEquivalentTo(fromSome);
    }
}
