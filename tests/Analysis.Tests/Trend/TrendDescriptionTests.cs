using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Analysis.Tests.Trend;

/// <summary>What a rektor reads about a Trend flag: behaviour in figures, in the order of the features that drove the score.</summary>
public sealed class TrendDescriptionTests
{
    private static readonly IReadOnlyList<DateOnly> Term = TrendHistory.Term;

    // 30 days present, then 10 days with an hour of ogiltig frånvaro on alternate days (2.5 % of the term), late on the last four.
    private static readonly TrendFeatures Features = TrendFeatures.Compute(
        Term.Take(40).Select((d, i) => new DayFact(d, 300, 0, i >= 30 && i % 2 == 0 ? 60 : 0, i >= 36 ? 15 : 0, 0)).ToArray(), Term[39], 7);

    private static int F(string name) => TrendFeatures.Names.ToList().IndexOf(name);

    [Fact]
    public void The_strongest_features_become_one_to_three_plain_sentences_in_their_order()
    {
        var lines = TrendDescriptions.Describe(Features, [F("grade"), F("share_10d"), F("late_days_20d"), F("unexcused_share_20d"), F("part_days_20d")]);

        lines.Should().Equal(
            "Frånvaron har ökat från 0 % till 10 % av den schemalagda tiden: de senaste 10 skoldagarna jämfört med de 10 före.",
            "Sen ankomst 4 av de senaste 20 skoldagarna, sammanlagt 60 minuter.",
            "Ogiltig frånvaro 5 timmar de senaste 20 skoldagarna.");
    }

    [Fact]
    public void Features_that_describe_no_behaviour_are_skipped_and_a_rise_is_said_even_then()
    {
        TrendDescriptions.Describe(Features, [F("grade"), F("term_days")]).Should().Equal(
            "Frånvarande 3 % av den schemalagda tiden hittills i terminen (40 skoldagar).");
        TrendDescriptions.Describe(Features, [F("grade")]).Should().Equal(
            "Frånvaron har ökat från 0 % till 10 % av den schemalagda tiden: de senaste 10 skoldagarna jämfört med de 10 före.");
        TrendDescriptions.Describe(Features, [F("weekday_concentration_25d"), F("whole_day_spells_40d")]).Should().NotBeEmpty()
            .And.OnlyContain(l => !l.Contains("måndagarna") && !l.Contains("hela dagen"), "no weekday pattern or whole-day spell to report");
    }
}
