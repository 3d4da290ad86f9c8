using System.Text.RegularExpressions;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Tests.Thresholds;

/// <summary>
/// Each pattern on a hand-built history, and the Swedish sentence it becomes. The sentences describe what the pupil did
/// (days, lessons, hours), never a label or a reason.
/// </summary>
public sealed class BehaviourDescriptionTests
{
    private static readonly ThresholdOptions Defaults = new();
    private static readonly DateOnly Monday = new(2026, 9, 7);

    private static Assessment Assess(
        IReadOnlyList<DayFact> days, IReadOnlyList<SubjectFigures>? subjects = null, ThresholdOptions? options = null, DateOnly? asOf = null)
    {
        var t = (options ?? Defaults).For("12345678", "Municipal");
        var f = PupilFigures.Compute([7], "12345678", days.ToArray(), asOf ?? days[^1].Date, new FigureSettings(t.RecentWindowDays, t.Patterns.RecurringWeekday.Weeks));
        return RuleEvaluator.Evaluate(f, t, subjects);
    }

    [Fact]
    public void Absence_on_the_same_weekday_is_named_with_the_count_of_those_weekdays()
    {
        // Five weeks; absent the whole day on four of the five Mondays, present otherwise: 15 % of the recent window.
        var days = FactHistory.Days(Monday, 25, i => i % 5 == 0 && i != 10 ? 300 : 0);

        var a = Assess(days);

        a.Level.Should().Be(Level.AtRisk);
        a.Patterns.RecurringWeekday!.Day.Should().Be(DayOfWeek.Monday);
        a.Descriptions.Should().Contain("Frånvarande 4 av de senaste 5 måndagarna.");
    }

    [Fact]
    public void Part_days_on_the_same_weekday_say_so()
    {
        // Leaves early every Friday for five weeks (the last two lessons), and one whole Friday.
        var days = FactHistory.Days(Monday, 25, i => i % 5 == 4 ? (i == 24 ? 300 : 120) : 0);

        var a = Assess(days);

        a.Descriptions.Should().Contain("Frånvarande, helt eller delvis, alla de senaste 5 fredagarna.");
    }

    [Fact]
    public void A_pupil_absent_every_day_has_no_weekday_pattern()
    {
        var a = Assess(FactHistory.Days(Monday, 25, _ => 100));

        a.Level.Should().Be(Level.High);
        a.Patterns.RecurringWeekday.Should().BeNull("every weekday is the same, so no weekday stands out");
    }

    [Fact]
    public void A_weekday_needs_the_minimum_number_of_absences()
    {
        var days = FactHistory.Days(Monday, 25, i => i is 0 or 5 ? 300 : i is 7 or 13 or 19 ? 300 : 0);   // 2 Mondays, 3 scattered days

        Assess(days).Patterns.RecurringWeekday.Should().BeNull();
    }

    [Fact]
    public void Absence_from_one_subject_is_named_with_its_lessons()
    {
        var days = FactHistory.Days(Monday, 20, i => i % 4 == 0 ? 60 : 0);   // one lesson gone on 5 days: 5 %
        var subjects = new List<SubjectFigures> { new("Matematik", 8, 5), new("Svenska", 10, 0), new("Engelska", 8, 0), new("Idrott och hälsa", 4, 0) };

        var a = Assess(days, subjects, new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.05 }, High = new LevelRules { AbsenceShare = 0.2 } });

        a.Patterns.OneSubject!.Subject.Should().Be("Matematik");
        a.Descriptions.Should().Contain("Frånvarande vid 5 av de 8 lektionerna i matematik de senaste 20 skoldagarna.");
    }

    [Fact]
    public void No_subject_stands_out_when_the_pupil_misses_every_subject_alike_or_the_school_sends_no_lessons()
    {
        var days = FactHistory.Days(Monday, 20, i => i % 2 == 0 ? 300 : 0);
        var alike = new List<SubjectFigures> { new("Matematik", 8, 4), new("Svenska", 10, 5), new("SO", 8, 4) };

        Assess(days, alike).Patterns.OneSubject.Should().BeNull();
        Assess(days, []).Patterns.OneSubject.Should().BeNull();
        Assess(days, null).Patterns.OneSubject.Should().BeNull();
        Assess(days, null).Descriptions.Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("Matematik", "matematik")]
    [InlineData("Idrott och hälsa", "idrott och hälsa")]
    [InlineData("SO", "SO")]
    [InlineData("NO-ämnen", "NO-ämnen")]
    public void Subjects_are_written_as_in_running_Swedish(string exported, string written) =>
        BehaviourDescriptions.InRunningText(exported).Should().Be(written);

    [Fact]
    public void A_spell_up_to_an_export_that_stops_early_is_told_up_to_that_export_not_as_still_going_on()
    {
        var days = FactHistory.Days(Monday, 25, i => i >= 19 ? 300 : 0);
        var weekend = Assess(days, asOf: days[^1].Date.AddDays(3));
        var twoWeeksLater = Assess(days, asOf: days[^1].Date.AddDays(14));

        weekend.Descriptions[0].Should().Be("Frånvarande hela dagen 6 skoldagar i följd från 2 oktober och är fortfarande frånvarande.",
            "an export that reaches the last school day before the run is up to date");
        twoWeeksLater.Descriptions[0].Should().Be("Frånvarande hela dagen 6 skoldagar i följd från 2 oktober till och med senaste exporten (9 oktober).");
    }

    [Fact]
    public void One_long_spell_and_scattered_part_days_are_told_apart()
    {
        var spell = Assess(FactHistory.Days(Monday, 25, i => i >= 19 ? 300 : 0));
        var scattered = Assess(FactHistory.Days(Monday, 25, i => i >= 5 && i % 2 == 1 ? 100 : 0));

        spell.Patterns.Shape.Should().Be(AbsenceShape.LongSpell);
        spell.Descriptions[0].Should().Be("Frånvarande hela dagen 6 skoldagar i följd från 2 oktober och är fortfarande frånvarande.");
        scattered.Patterns.Shape.Should().Be(AbsenceShape.Scattered);
        scattered.Descriptions.Should().Contain("Frånvarande under en del av dagen 10 av de senaste 20 skoldagarna.");
        scattered.Descriptions.Should().NotContain(d => d.Contains("i följd"));
    }

    [Fact]
    public void Late_arrivals_are_counted_in_days_and_added_up_in_time()
    {
        var days = FactHistory.Days(Monday, 20, i => i == 0 ? 300 : i == 1 ? 300 : 0)
            .Select((d, i) => i is >= 10 and < 16 ? d with { Late = 20 } : d).ToList();

        var a = Assess(days);

        a.Patterns.LateArrivals.Should().BeTrue();
        a.Descriptions.Should().Contain("Sen ankomst 6 av de senaste 20 skoldagarna, sammanlagt 2 timmar.");
    }

    [Fact]
    public void Unexcused_absence_is_given_in_hours()
    {
        // 540 minutes of ogiltig frånvaro in the last 20 days: 9 hours, the unexcused rule's limit.
        var days = FactHistory.Days(Monday, 20, i => i < 6 ? 90 : 0);
        var options = new ThresholdOptions { AtRisk = new LevelRules { UnexcusedMinutes = 540 } };

        var a = Assess(days, null, options);

        a.RulesMet.Should().Equal("AtRisk:UnexcusedMinutes:Recent");
        a.Descriptions[0].Should().Be("Ogiltig frånvaro 9 timmar de senaste 20 skoldagarna.");
    }

    [Fact]
    public void What_put_the_pupil_at_the_level_comes_first_then_the_patterns()
    {
        var days = FactHistory.Days(Monday, 25, i => i % 5 == 0 && i != 10 ? 300 : 0);

        var a = Assess(days);

        a.Descriptions.Should().Equal(
            "Frånvarande 15 % av den schemalagda tiden de senaste 20 skoldagarna, varav ogiltig frånvaro 15 %.",
            "Frånvarande 4 av de senaste 5 måndagarna.",
            "Ogiltig frånvaro 15 timmar de senaste 20 skoldagarna.");
    }

    [Fact]
    public void An_unflagged_pupil_gets_no_description()
    {
        Assess(FactHistory.Days(Monday, 20, _ => 0)).Descriptions.Should().BeEmpty();
    }

    /// <summary>The sentences a digest may contain: behaviour and figures only.</summary>
    private static readonly Regex[] BehaviourSentences =
    [
        new(@"^Frånvarande hela dagen \d+ skoldagar i följd från \d+ \w+( och är fortfarande frånvarande| till och med senaste exporten \(\d+ \w+\))?\.$"),
        new(@"^Frånvarande \d+ % av den schemalagda tiden de senaste \d+ skoldagarna( \(sen ankomst inräknad\))?(, varav ogiltig frånvaro \d+ %)?\.$"),
        new(@"^Frånvarande \d+ % av den schemalagda tiden hittills i terminen \(\d+ skoldagar\)\.$"),
        new(@"^Frånvarande(, helt eller delvis,)? (alla|\d+ av) de senaste \d+ (mån|tis|ons|tors|fre|lör|sön)dagarna\.$"),
        new(@"^Frånvarande vid \d+ av de \d+ lektionerna i .+ de senaste \d+ skoldagarna\.$"),
        new(@"^Frånvarande under en del av dagen \d+ av de senaste \d+ skoldagarna\.$"),
        new(@"^Ogiltig frånvaro [\d,]+ (minuter|timmar) (de senaste \d+ skoldagarna|hittills i terminen \(\d+ skoldagar\))\.$"),
        new(@"^Sen ankomst \d+ av de senaste \d+ skoldagarna, sammanlagt [\d,]+ (minuter|timmar)\.$"),
    ];

    [Fact]
    public void Every_flagged_pupil_gets_one_to_three_behaviour_sentences_and_nothing_else()
    {
        var random = new Random(20260907);
        var options = new ThresholdOptions { AtRisk = new LevelRules { AbsenceShare = 0.10, LateArrivals = 8 }, High = new LevelRules { AbsenceShare = 0.2, ConsecutiveDaysAbsent = 5, UnexcusedMinutes = 1200 } };
        var flagged = 0;
        for (var n = 0; n < 500; n++)
        {
            var rate = random.NextDouble() * 0.4;
            var days = FactHistory.Days(Monday, 20 + random.Next(40), _ => random.NextDouble() < rate ? random.Next(2) == 0 ? 300 : 60 * random.Next(1, 5) : 0)
                .Select(d => random.NextDouble() < 0.1 ? d with { Late = 10 } : random.NextDouble() < 0.2 ? d with { Excused = d.Unexcused, Unexcused = 0 } : d)
                .ToList();
            var subjects = random.Next(2) == 0 ? null : new List<SubjectFigures> { new("Matematik", 10, random.Next(11)), new("Svenska", 12, random.Next(3)) };

            var a = Assess(days, subjects, options);

            if (a.Level is null)
            {
                continue;
            }

            flagged++;
            a.Descriptions.Should().HaveCountGreaterThanOrEqualTo(1).And.HaveCountLessThanOrEqualTo(3);
            a.Descriptions.Should().OnlyHaveUniqueItems();
            a.Descriptions.Should().AllSatisfy(d => BehaviourSentences.Any(r => r.IsMatch(d)).Should().BeTrue($"'{d}' should be a behaviour sentence"));
        }

        flagged.Should().BeGreaterThan(100);
    }
}
