using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Thresholds.Rules;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>Every rule is one class listed in <see cref="ThresholdRule.All"/>, set in configuration under its own name.</summary>
public sealed class ThresholdRuleTests
{
    [Fact]
    public void Every_rule_is_set_in_configuration_under_its_name_and_every_setting_is_a_rule()
    {
        var settings = typeof(LevelRules).GetProperties().Select(p => p.Name).Where(n => !n.EndsWith("Window", StringComparison.Ordinal));

        ThresholdRule.All.Select(r => r.Name).Should().BeEquivalentTo(settings);
    }

    [Fact]
    public void A_met_rule_names_its_rule_with_or_without_its_window()
    {
        ThresholdRule.Of("AbsenceShare:Term").Should().BeOfType<AbsenceShareRule>();
        ThresholdRule.Of("UnexcusedMinutes:Recent").Should().BeOfType<UnexcusedMinutesRule>();
        ThresholdRule.Of("ConsecutiveDaysAbsent").Should().BeOfType<ConsecutiveDaysAbsentRule>();
        ThresholdRule.Of("LateArrivals").Should().BeOfType<LateArrivalsRule>();
    }

    [Fact]
    public void A_rule_switched_off_at_a_level_sets_no_bar_there()
    {
        var rules = new ThresholdOptions().For("12345678", null).High;

        ThresholdRule.All.Where(r => r.Setting(rules).Bar is not null).Select(r => r.Name)
            .Should().Equal("ConsecutiveDaysAbsent", "AbsenceShare");
    }
}
