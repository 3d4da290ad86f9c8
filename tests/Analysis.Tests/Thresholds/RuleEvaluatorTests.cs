using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>The rules on hand-built fact histories, no database: figures in, level out.</summary>
public sealed class RuleEvaluatorTests
{
    private static readonly byte[] Key = [1, 2, 3];
    private static readonly ThresholdOptions Defaults = new();

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
        var start = new DateOnly(2026, 9, 7);
        Assess(Days(start, 20, i => i < 2 ? 300 : 0)).Level.Should().Be(Level.AtRisk);
        Assess(Days(start, 20, i => i < 2 ? 299 : 0)).Level.Should().BeNull();
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
    }

    [Fact]
    public void Five_whole_days_in_a_row_is_hog_franvaro_even_at_a_lower_share()
    {
        var assessment = Assess(Days(new DateOnly(2026, 9, 7), 40, i => i is >= 30 and < 35 ? 300 : 0));

        assessment.Level.Should().Be(Level.High);
        assessment.Figures.LongestSpellDays.Should().Be(5);
        assessment.Descriptions.Should().Contain(d => d.Contains("5 skoldagar i följd"));
    }

    [Fact]
    public void No_flag_before_the_minimum_number_of_scheduled_days()
    {
        Assess(Days(new DateOnly(2026, 9, 7), 9, _ => 300)).Level.Should().BeNull();
        Assess(Days(new DateOnly(2026, 9, 7), 10, _ => 300)).Level.Should().Be(Level.High);
    }

    [Fact]
    public void Late_arrival_counts_as_absence_only_when_the_setting_says_so()
    {
        var days = Days(new DateOnly(2026, 9, 7), 20, _ => 0).Select(d => d with { Late = 30 }).ToList();

        Assess(days).Level.Should().BeNull();
        Assess(days, new ThresholdOptions { LateCountsAsAbsence = true }).Level.Should().Be(Level.AtRisk);
    }

    [Fact]
    public void Unregistered_time_is_not_counted_as_absence_or_presence()
    {
        // Half the time not registered (ej rapporterad): 300 of the 3,000 registered minutes absent is 10 %.
        var days = Days(new DateOnly(2026, 9, 7), 20, i => i == 0 ? 300 : 0).Select(d => d with { NotReported = 150 }).ToList();
        days[0] = days[0] with { NotReported = 0 };

        Assess(days).Figures.Recent.AbsenceShare(false).Should().BeApproximately(300.0 / (300 + 19 * 150), 1e-9);
    }

    [Fact]
    public void Validation_names_the_key_and_the_value()
    {
        var options = new ThresholdOptions
        {
            RecentWindowDays = 0,
            AtRisk = new LevelRules { AbsenceShare = 0.25 },
            High = new LevelRules { AbsenceShare = 0.20 },
        };

        options.Validate().Should().Contain(e => e.Contains("Skolnarvaro:Thresholds:RecentWindowDays = 0"))
            .And.Contain(e => e.Contains("Skolnarvaro:Thresholds:High:AbsenceShare = 0.2") && e.Contains("AtRisk:AbsenceShare = 0.25"));
        new ThresholdOptions().Validate().Should().BeEmpty();
    }
}
