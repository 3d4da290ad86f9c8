using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>"Sedan" on a card is the day the pupil's absence reached the level, replayed from the facts, not the night it was first seen.</summary>
public sealed class LevelReachedTests
{
    private static readonly DateOnly Monday = new(2026, 8, 17);
    private static readonly EffectiveThresholds Defaults = new ThresholdOptions().For("12345678", "Municipal");
    private static readonly FigureSettings Settings = new(Defaults.RecentWindowDays, Defaults.Patterns.RecurringWeekday.Weeks);

    private static DateOnly? Reached(List<DayFact> days, Level level, DateOnly? asOf = null) =>
        LevelReached.On([7], "12345678", days.ToArray(), level, Defaults, Settings, asOf ?? days[^1].Date, Monday);

    [Fact]
    public void A_pupil_absent_every_day_since_a_date_reached_hog_franvaro_when_the_last_20_school_days_reached_20_percent()
    {
        // Present 30 school days, then absent every day from the 31st (a Monday) for 12 school days.
        var days = FactHistory.Days(Monday, 42, i => i >= 30 ? FactHistory.Minutes : 0);

        Reached(days, Level.High).Should().Be(days[33].Date, "the fourth whole day absent is 20 % of the last 20 school days");
        Reached(days, Level.AtRisk).Should().Be(days[31].Date, "the second is 10 %");
        days[34].Date.Should().BeBefore(days[^1].Date);
    }

    [Fact]
    public void The_run_is_the_unbroken_one_up_to_the_date_not_an_earlier_episode()
    {
        // Absent days 5–11 (an earlier spell, then back for over 20 school days), then absent again from day 40.
        var days = FactHistory.Days(Monday, 50, i => i is >= 5 and <= 11 || i >= 40 ? FactHistory.Minutes : 0);

        var reached = Reached(days, Level.High);

        reached.Should().NotBeNull();
        reached!.Value.Should().BeOnOrAfter(days[40].Date, "the pupil was below every level between the spells").And.BeOnOrBefore(days[43].Date);
    }

    [Fact]
    public void A_pupil_not_at_the_level_on_the_date_has_no_date()
    {
        var days = FactHistory.Days(Monday, 30, _ => 0);

        Reached(days, Level.AtRisk).Should().BeNull();
    }
}
