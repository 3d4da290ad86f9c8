using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>How the evaluation of what ships counts a replay: beginnings, leads in school days, foreseeable and sudden, entries.</summary>
public sealed class ShippedEvaluationTests
{
    private const string School = "12345678";
    private static readonly IReadOnlyList<DateOnly> Days = Enumerable.Range(0, 200).Select(i => new DateOnly(2026, 8, 17).AddDays(i))
        .Where(d => d.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday).Take(60).ToList();

    [Fact]
    public void A_pupil_named_twelve_school_days_before_lasting_absence_began_counts_as_named_early_with_a_lead_of_twelve()
    {
        var rising = Pupil(1, lastingFrom: 30, share20At20: 0.06f, rising: true);
        var sudden = Pupil(2, lastingFrom: 40, share20At20: 0.0f, rising: false);
        var samples = rising.Concat(sudden).ToList();
        var nights = Days.Select(d => new ReplayNight(School, d, true,
            d >= Days[15] ? [new ReplayFlag(Key(1), Level.Trend, d == Days[15] ? LevelChange.New : LevelChange.Still)] : [],
            d == Days[18] ? [new ReplayTold(Key(1), Level.Trend, true, Card: false)] : d == Days[25] ? [new ReplayTold(Key(1), Level.Trend, false, Card: true)] : null)).ToList();

        var onsets = ShippedEvaluation.Onsets(samples, Days[0], Days[^1]);
        var result = ShippedEvaluation.Count(samples, onsets, nights, Days[0], Days[^1], horizonWeeks: 3);

        onsets.Select(o => (o.Date, o.Start)).Should().Equal((Days[30], ShippedEvaluation.Start.RisingBelowLines), (Days[40], ShippedEvaluation.Start.Sudden));
        var foreseeable = result.ByCourse[0].Rates;
        foreseeable.Pupils.Should().Be(1);
        (foreseeable.MedianLeadFlagged, foreseeable.MedianLeadNamed, foreseeable.MedianLeadCard).Should().Be((15.0, 12.0, 5.0));
        (foreseeable.FlaggedEarly, foreseeable.NamedEarly, foreseeable.CardEarly).Should().Be((1.0, 1.0, 0.0), "the card came five school days before: too late");
        result.ByCourse[1].Rates.NamedEarly.Should().Be(0, "nobody named the sudden pupil");
        result.Overall.Rates.NamedEarly.Should().Be(0.5);
        (result.NewsEntries, result.Reminders, result.TrendNewsEntries, result.NightlyEntries, result.Digests).Should().Be((1, 1, 1, 1, 2));
        result.SchoolWeeks.Should().Be(12, "60 school days, Monday to Friday");
    }

    private static byte[] Key(int n) => [(byte)n, 0, 0, 0, 0, 0, 0, 0];

    /// <summary>A pupil's samples: lasting from a day on, and the 20-day share and rise the features show on day 20.</summary>
    private static IEnumerable<TrendSample> Pupil(int n, int lastingFrom, float share20At20, bool rising) =>
        Days.Select((d, i) =>
        {
            var features = new float[TrendFeatures.Count];
            if (i == 20)
            {
                features[TrendFeatures.Names.ToList().IndexOf("share_20d")] = share20At20;
                features[TrendFeatures.Names.ToList().IndexOf("share_10d")] = rising ? share20At20 * 1.5f : share20At20;
                features[TrendFeatures.Names.ToList().IndexOf("share_prior_10d")] = rising ? share20At20 * 0.5f : share20At20;
            }

            return new TrendSample(School, Key(n), d, features, null, null, null, false, n % 2 == 0 ? "M" : "F", "Municipal")
            {
                Day = i, Grade = 5, Lasting = i >= lastingFrom,
            };
        });
}
