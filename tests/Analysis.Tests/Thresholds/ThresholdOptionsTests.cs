using Microsoft.Extensions.Configuration;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>Rules as configuration: overrides per driftsform and per school, and validation that names the key and the value.</summary>
public sealed class ThresholdOptionsTests
{
    private static ThresholdOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"{ThresholdOptions.Section}:{s.Key}", s.Value)))
            .Build();
        var options = new ThresholdOptions();
        configuration.GetSection(ThresholdOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void A_school_override_wins_over_its_driftsform_which_wins_over_the_defaults_key_by_key()
    {
        var o = Bind(
            ("Driftsform:Independent:AtRisk:AbsenceShare", "0.15"),
            ("Driftsform:Independent:RecentWindowDays", "15"),
            ("Schools:55309539:AtRisk:AbsenceShare", "0.12"),
            ("Schools:55309539:High:ConsecutiveDaysAbsent", "4"));

        var municipal = o.For("33726561", "Municipal");
        var independent = o.For("74570926", "Independent");
        var overridden = o.For("55309539", "Independent");

        (municipal.AtRisk.AbsenceShare, municipal.RecentWindowDays, municipal.High.ConsecutiveDaysAbsent).Should().Be((0.10, 20, 5));
        (independent.AtRisk.AbsenceShare, independent.RecentWindowDays, independent.High.ConsecutiveDaysAbsent).Should().Be((0.15, 15, 5));
        (overridden.AtRisk.AbsenceShare, overridden.RecentWindowDays, overridden.High.ConsecutiveDaysAbsent).Should().Be((0.12, 15, 4));
        overridden.High.AbsenceShare.Should().Be(0.20, "a key the override leaves out keeps the value from the level above");
    }

    [Fact]
    public void A_per_school_override_changes_that_schools_level_and_no_other()
    {
        var o = Bind(("Schools:11111111:AtRisk:AbsenceShare", "0.12"));
        var days = FactHistory.Days(new DateOnly(2026, 9, 7), 20, i => i < 2 ? 300 : 0);   // exactly 10 %

        Level? LevelAt(string school) => RuleEvaluator.LevelOf(
            PupilFigures.Compute([1], school, days, days[^1].Date, 20), o.For(school, "Municipal"));

        LevelAt("11111111").Should().BeNull();
        LevelAt("22222222").Should().Be(Level.AtRisk);
    }

    [Fact]
    public void The_minimum_term_days_for_the_term_share_is_overridden_per_driftsform_and_school()
    {
        var o = Bind(("Driftsform:Independent:MinimumTermDaysForTermShare", "15"), ("Schools:11111111:MinimumTermDaysForTermShare", "0"));

        o.For("22222222", "Municipal").MinimumTermDaysForTermShare.Should().Be(20, "the default: as long as the recent window");
        o.For("22222222", "Independent").MinimumTermDaysForTermShare.Should().Be(15);
        o.For("11111111", "Independent").MinimumTermDaysForTermShare.Should().Be(0);
        o.Validate().Should().BeEmpty();
    }

    [Fact]
    public void Zero_in_an_override_switches_an_inherited_rule_off()
    {
        var o = Bind(("Schools:11111111:High:ConsecutiveDaysAbsent", "0"));

        o.For("11111111", "Municipal").High.ConsecutiveDaysAbsent.Should().BeNull();
        o.For("11111111", "Municipal").High.AbsenceShare.Should().Be(0.20);
        o.For("22222222", "Municipal").High.ConsecutiveDaysAbsent.Should().Be(5);
        o.Validate().Should().BeEmpty();
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

    [Theory]
    [InlineData("AtRisk:AbsenceShare", "10", "Skolnarvaro:Thresholds:AtRisk:AbsenceShare = 10: expected a share between 0 and 1")]
    [InlineData("High:ConsecutiveDaysAbsent", "-1", "Skolnarvaro:Thresholds:High:ConsecutiveDaysAbsent = -1: must be 0 (off) or more")]
    [InlineData("MinimumScheduledDays", "-3", "Skolnarvaro:Thresholds:MinimumScheduledDays = -3: must be 0 or more")]
    [InlineData("RecentWindowDays", "365", "Skolnarvaro:Thresholds:RecentWindowDays = 365: longer than a school year")]
    [InlineData("MinimumTermDaysForTermShare", "-1", "Skolnarvaro:Thresholds:MinimumTermDaysForTermShare = -1: must be 0 or more")]
    [InlineData("Driftsform:Independent:MinimumTermDaysForTermShare", "250", "Skolnarvaro:Thresholds:Driftsform:Independent:MinimumTermDaysForTermShare = 250: longer than a school year")]
    [InlineData("High:UnexcusedMinutes", "100", "Skolnarvaro:Thresholds:High:UnexcusedMinutes = 100: below Skolnarvaro:Thresholds:AtRisk:UnexcusedMinutes = 600")]
    [InlineData("Driftsform:Friskola:AtRisk:AbsenceShare", "0.1", "Skolnarvaro:Thresholds:Driftsform:Friskola: unknown driftsform 'Friskola'; expected Municipal or Independent")]
    [InlineData("Schools:3372656:AtRisk:AbsenceShare", "0.1", "Skolnarvaro:Thresholds:Schools:3372656: '3372656' is not a skolenhetskod; expected 8 digits")]
    [InlineData("Schools:33726561:AtRisk:AbsenceShare", "0.3", "Skolnarvaro:Thresholds:Schools:33726561: with this override (driftsform Municipal), High:AbsenceShare = 0.2: below AtRisk:AbsenceShare = 0.3")]
    [InlineData("Patterns:RecurringWeekday:MinDays", "9", "Skolnarvaro:Thresholds:Patterns:RecurringWeekday:MinDays = 9: expected 2 to Weeks (5)")]
    public void A_bad_value_is_reported_with_its_key_and_value(string key, string value, string expected)
    {
        var o = Bind(("AtRisk:UnexcusedMinutes", "600"), (key, value));

        o.Validate(new Dictionary<string, string> { ["33726561"] = "Municipal" }).Should().Contain(e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_level_with_every_rule_switched_off_is_an_error()
    {
        var o = Bind(("Driftsform:Independent:High:AbsenceShare", "0"), ("Driftsform:Independent:High:ConsecutiveDaysAbsent", "0"));

        o.Validate().Should().ContainSingle().Which.Should()
            .Be("Skolnarvaro:Thresholds:Driftsform:Independent: with this override, High has no rule in effect; " +
                "set at least one of ConsecutiveDaysAbsent, AbsenceShare, UnexcusedMinutes, LateArrivals above 0.");
    }

    [Fact]
    public void A_school_override_must_name_a_school_in_the_registry()
    {
        var o = Bind(("Schools:12345678:AtRisk:AbsenceShare", "0.12"));

        o.Validate(new Dictionary<string, string> { ["33726561"] = "Municipal" }).Should().ContainSingle()
            .Which.Should().Be("Skolnarvaro:Thresholds:Schools:12345678: no school with skolenhetskod 12345678 in the school registry (Skolnarvaro:Schools).");
    }

    [Fact]
    public void A_school_override_is_checked_with_its_own_driftsform()
    {
        // Independent schools start riskfrånvaro at 15 %; a municipal school may set hög frånvaro at 12 %, an independent one may not.
        var o = Bind(("Driftsform:Independent:AtRisk:AbsenceShare", "0.15"), ("Schools:11111111:High:AbsenceShare", "0.12"),
            ("Schools:22222222:High:AbsenceShare", "0.12"));

        var errors = o.Validate(new Dictionary<string, string> { ["11111111"] = "Municipal", ["22222222"] = "Independent" }).ToList();

        errors.Should().ContainSingle().Which.Should().StartWith("Skolnarvaro:Thresholds:Schools:22222222: with this override (driftsform Independent)");
    }

    [Fact]
    public void A_misspelt_key_is_reported_instead_of_silently_leaving_the_default_in_force()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Thresholds:AtRisk:AbsenseShare"] = "0.12",
            ["Skolnarvaro:Thresholds:Schools:33726561:Hgh:AbsenceShare"] = "0.3",
            ["Skolnarvaro:Thresholds:Patterns:OneSubject:MinLessons"] = "3",
        }).Build();

        ConfigurationKeys.Unknown(configuration.GetSection(ThresholdOptions.Section), typeof(ThresholdOptions)).Should().BeEquivalentTo(
            "Skolnarvaro:Thresholds:AtRisk:AbsenseShare: unknown key; expected one of AbsenceShare, AbsenceShareWindow, UnexcusedMinutes, UnexcusedWindow, ConsecutiveDaysAbsent, LateArrivals.",
            "Skolnarvaro:Thresholds:Schools:33726561:Hgh: unknown key; expected one of MinimumScheduledDays, RecentWindowDays, MinimumTermDaysForTermShare, LateCountsAsAbsence, AtRisk, High.");
    }

    [Fact]
    public void The_bundled_appsettings_thresholds_are_valid_and_are_the_defaults()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(TestSupport.TestFiles.InRepo("src", "Worker", "appsettings.json")).Build();
        var options = new ThresholdOptions();
        configuration.GetSection(ThresholdOptions.Section).Bind(options);

        ConfigurationKeys.Unknown(configuration.GetSection(ThresholdOptions.Section), typeof(ThresholdOptions)).Should().BeEmpty();
        options.Validate().Should().BeEmpty();
        options.For("33726561", "Municipal").Should().BeEquivalentTo(new ThresholdOptions().For("33726561", "Municipal"));
    }
}
