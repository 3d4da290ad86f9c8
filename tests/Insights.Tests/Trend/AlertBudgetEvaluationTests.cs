using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>The rektor's question on hand-made school days whose right answers are known.</summary>
public sealed class AlertBudgetEvaluationTests
{
    private static readonly IReadOnlyList<DateOnly> Days = Skolnarvaro.TestSupport.TestExports.SchoolDays(new DateOnly(2026, 9, 7), 30);

    private static TrendSample Day(int pupil, int day, Level? level, bool lasting, bool illness = false, string gender = "F") =>
        new("11111111", [(byte)pupil, 0], Days[day], new float[TrendFeatures.Count], level, null, null, lasting, gender, "Municipal")
        {
            Day = day, Grade = 5, Lasting = lasting, IllnessLike = illness,
        };

    [Fact]
    public void At_the_rules_alert_budget_a_model_that_sees_the_drift_names_the_pupil_before_the_lasting_absence_begins()
    {
        // Pupil 1 drifts: lasting absence from day 15, the rule has them at riskfrånvaro only from day 18, the model's
        // probability rises on day 10. Pupil 2 is ill on days 5–12: the rule flags them, nothing lasting follows.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(1, d, d >= 18 ? Level.AtRisk : null, lasting: d >= 15));
            scores.Add(d >= 10 ? 0.6f : 0.1f);
            samples.Add(Day(2, d, d is >= 5 and <= 12 ? Level.AtRisk : null, lasting: false, illness: d is >= 5 and <= 12, gender: "M"));
            scores.Add(0.05f);
        }

        var r = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.5);

        r.Overall.LastingPupils.Should().Be(1);
        r.Overall.Rule.Entries.Should().Be(2, "pupil 1 on day 18, pupil 2 on day 5");
        r.Overall.Model.Entries.Should().BeLessThanOrEqualTo(2, "the model gets the rule's budget, no more");
        (r.Overall.Rule.Recall, r.Overall.Model.Recall).Should().Be((0.0, 1.0), "on day 15 only the model had named pupil 1");
        r.Overall.Model.MedianLeadDays.Should().BeGreaterThanOrEqualTo(5, "named on day 10 at the latest, five school days before day 15");
        r.Overall.Rule.Precision.Should().Be(0.5, "the rule's flag for the illness was not followed by lasting absence");
        (r.RuleEntriesWithoutLasting, r.RuleEntriesIllnessOnly).Should().Be((1, 1));
        r.Overall.Nightly.Recall.Should().Be(1.0, "Trend at the cut-off named pupil 1 on day 10");
        r.Overall.Nightly.MedianLeadDays.Should().Be(5);
        r.NightlyAddedShare.Should().Be(0.5, "one Trend entry on top of the rule's two");
        r.ByGender.Select(g => (g.Group, g.LastingPupils)).Should().Equal(("Flickor", 1), ("Pojkar", 0));
    }

    [Fact]
    public void By_default_the_model_spends_the_budget_on_pupils_not_yet_at_hog_franvaro_where_something_can_still_begin()
    {
        // Pupil 1 is at hög frånvaro the whole period, lasting absence long since begun, and has the highest probability.
        // Pupil 2 drifts: lasting absence from day 15, the rule names them at riskfrånvaro from day 16, the model's
        // probability rises on day 8. The rule's budget: two entries, 30 + 14 = 44 flagged pupil-days.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(1, d, Level.High, lasting: true));
            scores.Add(0.9f);
            samples.Add(Day(2, d, d >= 16 ? Level.AtRisk : null, lasting: d >= 15));
            scores.Add(d >= 8 ? 0.5f : 0.05f);
        }

        var notHigh = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.95);
        var everyone = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.95, names: ModelNames.Everyone);

        notHigh.ModelNames.Should().Be(ModelNames.NotHigh);
        notHigh.Overall.Rule.FlaggedDays.Should().Be(44);
        notHigh.Overall.Model.Recall.Should().Be(1.0, "the model's flags are not spent on pupil 1, so it names pupil 2 before day 15");
        notHigh.Overall.Model.FlaggedDays.Should().BeLessThanOrEqualTo(30, "never on a day at hög frånvaro");
        everyone.Overall.Model.Recall.Should().Be(0.0, "pupil 1's 30 days leave 14 of the budget, too few to flag pupil 2 from day 8");
        everyone.Overall.Model.FlaggedDays.Should().Be(30);
    }

    [Fact]
    public void A_flag_stands_through_a_week_at_hog_franvaro_by_default_not_longer_and_through_any_when_raised_not_high()
    {
        // Pupil 1: the model's probability is up from day 5; at hög frånvaro on days 8–10 (an illness) and 14–20; lasting
        // absence from day 25. Pupil 2: at riskfrånvaro all period, nothing lasting, probability 0. The rule's budget:
        // three entries, 40 flagged pupil-days.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(1, d, d is >= 8 and <= 10 or >= 14 and <= 20 ? Level.High : null, lasting: d >= 25));
            scores.Add(d >= 5 ? 0.6f : 0f);
            samples.Add(Day(2, d, Level.AtRisk, lasting: false));
            scores.Add(0f);
        }

        var notHigh = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.95);
        var raised = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.95, names: ModelNames.RaisedNotHigh);

        AlertBudgetEvaluation.HighSpellKept.Should().Be(5);
        (notHigh.Overall.Model.Recall, notHigh.Overall.Model.MedianLeadDays).Should().Be((1.0, 4.0),
            "the flag stood through days 8–10 and 14–18, ended on day 19 and was raised again on day 21");
        (notHigh.Overall.Model.Entries, notHigh.Overall.Model.FlaggedDays).Should().Be((2, 23));
        (raised.Overall.Model.Recall, raised.Overall.Model.MedianLeadDays).Should().Be((1.0, 20.0), "raised on day 5, it stood through both spells");
        (raised.Overall.Model.Entries, raised.Overall.Model.FlaggedDays).Should().Be((1, 25));
    }

    [Fact]
    public void The_nightly_share_is_also_counted_as_a_weekly_digest_tells_it_once_a_pupil_a_week()
    {
        // Pupil 1 wavers over riskfrånvaro's line on Monday and Wednesday of the first week: two entries day by day, one in
        // the week's digest. Pupil 2 is at no level; its probability reaches the Trend cut-off on day 3 and again on day 8.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(1, d, d is 0 or 2 ? Level.AtRisk : null, lasting: false));
            scores.Add(0f);
            samples.Add(Day(2, d, null, lasting: false));
            scores.Add(d is 3 or 8 ? 0.9f : 0f);
        }

        var r = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.5);

        Days[0].DayOfWeek.Should().Be(DayOfWeek.Monday);
        r.Overall.Rule.Entries.Should().Be(2);
        r.NightlyAddedShare.Should().Be(1.0, "two Trend entries on the rule's two");
        r.NightlyAddedShareWeekly.Should().Be(2.0, "two Trend weeks on the rule's one");
    }

    [Fact]
    public void Leads_are_also_compared_on_the_pupils_both_named_and_as_named_early_over_every_onset()
    {
        // Three pupils begin lasting absence on day 20. The rule names them from days 15, 12 and — for pupil 3 — not at
        // all; the model from days 5 and 14 and not pupil 3 either. Pupil 4 has no lasting absence; rule and model name it
        // once each. The model's three entries and 42 flagged pupil-days are within the rule's (four, 44).
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        (int Rule, int Model)[] from = [(15, 5), (12, 14), (99, 99)];
        for (var p = 0; p < 3; p++)
        {
            for (var d = 0; d < 30; d++)
            {
                // The rule also had pupil 3 at riskfrånvaro on days 0–9, a flag gone before the lasting absence began.
                var rule = d >= from[p].Rule || (p == 2 && d < 10);
                samples.Add(Day(p + 1, d, rule ? Level.AtRisk : null, lasting: d >= 20, gender: p == 0 ? "F" : "M"));
                scores.Add(d >= from[p].Model ? 0.9f : 0.01f);
            }
        }

        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(4, d, d == 3 ? Level.AtRisk : null, lasting: false));
            scores.Add(d == 3 ? 0.9f : 0.01f);
        }

        var r = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.95);

        r.Overall.LastingPupils.Should().Be(3);
        (r.Overall.Rule.FlaggedDays, r.Overall.Model.FlaggedDays).Should().Be((44, 42));
        (r.Overall.Rule.Named, r.Overall.Model.Named).Should().Be((2, 2));
        r.Overall.Rule.MedianLeadDays.Should().Be(6.5, "leads 5 and 8");
        r.Overall.Model.MedianLeadDays.Should().Be(10.5, "leads 15 and 6");
        r.Overall.ModelVsRule.Should().Be(new PairedLead(2, 4, 1, 1), "model − rule: +10 and −2");
        (r.Overall.Rule.NamedEarly, r.Overall.Model.NamedEarly).Should().Be((0, 1));
        r.Overall.Model.RecallEarly.Should().BeApproximately(1 / 3.0, 1e-9, "over every pupil who began lasting absence");
        r.Overall.Model.RecallLow.Should().BeLessThan(2 / 3.0);
        r.Overall.Model.RecallHigh.Should().BeGreaterThan(2 / 3.0);
    }

    [Fact]
    public void A_flag_standing_since_the_first_sampled_day_is_counted_as_a_lead_cut_off_there()
    {
        // Pupil 1 is at riskfrånvaro from the first sampled day; lasting absence begins on day 20. Pupil 2 is not sampled on
        // days 0–4 (too few scheduled days yet) and is flagged from day 12; theirs begins on day 22.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(1, d, Level.AtRisk, lasting: d >= 20));
            scores.Add(0.01f);
            if (d >= 5)
            {
                samples.Add(Day(2, d, d >= 12 ? Level.AtRisk : null, lasting: d >= 22));
                scores.Add(0.01f);
            }
        }

        var r = AlertBudgetEvaluation.Evaluate(samples, scores, Days[0], Days[^1], horizonWeeks: 4, trendCutOff: 0.5);

        (r.Overall.Rule.Named, r.Overall.Rule.LeadsCutAtStart).Should().Be((2, 1));
        r.Overall.Rule.MedianLeadDays.Should().Be(15, "leads 20 (cut at the start) and 10");
    }

    [Fact]
    public void A_flag_standing_at_the_end_of_one_term_and_from_the_first_sampled_day_of_the_next_is_carried_across_the_break()
    {
        // School days 0–14 end VT; 15–44 are HT, whose first five are not sampled (too few scheduled days). Pupil 1 is at
        // riskfrånvaro from day 5 to the end of VT and from HT's first sampled day; lasting absence begins on day 35.
        // Pupil 2 is flagged only in HT, from day 20; theirs begins on day 36.
        var dates = Skolnarvaro.TestSupport.TestExports.SchoolDays(new DateOnly(2026, 5, 25), 15)
            .Concat(Skolnarvaro.TestSupport.TestExports.SchoolDays(new DateOnly(2026, 8, 17), 30)).ToList();
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < dates.Count; d++)
        {
            if (d is >= 15 and < 20)
            {
                continue;
            }

            foreach (var (pupil, flagged, onset) in new[] { (1, d >= 5, 35), (2, d >= 20, 36) })
            {
                samples.Add(Day(pupil, 0, flagged ? Level.AtRisk : null, lasting: d >= onset) with { Date = dates[d], Day = d });
                scores.Add(0.01f);
            }
        }

        var r = AlertBudgetEvaluation.Evaluate(samples, scores, dates[0], dates[^1], horizonWeeks: 4, trendCutOff: 0.5);

        r.Overall.Rule.Named.Should().Be(2);
        r.Overall.Rule.MedianLeadDays.Should().Be(23, "leads 30 (since day 5 in VT) and 16");
        r.Overall.Rule.LeadsCutAtStart.Should().Be(0);
        r.Overall.Rule.Entries.Should().Be(3, "a new term's flag is a new digest entry all the same");
    }

    [Theory]
    [InlineData(0, 10, 0.0, 0.278)]
    [InlineData(5, 10, 0.237, 0.763)]
    [InlineData(30, 44, 0.534, 0.800)]
    public void The_recall_interval_is_wilsons(int k, int n, double low, double high)
    {
        var (l, h) = AlertBudgetEvaluation.Wilson(k, n);

        (l, h).Should().Match<(double L, double H)>(i => Math.Abs(i.L - low) < 0.001 && Math.Abs(i.H - high) < 0.001);
    }

    [Fact]
    public void A_recall_gap_whose_interval_holds_zero_is_within_noise()
    {
        static BudgetGroup Group(string name, int named, int of)
        {
            var (low, high) = AlertBudgetEvaluation.Wilson(named, of);
            var m = new BudgetMetrics(0, 0, named, (double)named / of, null, 0) { RecallLow = low, RecallHigh = high };
            return new BudgetGroup(name, of, m, m, m);
        }

        var small = RecallGap.Between(Group("Flickor", 28, 44), Group("Pojkar", 18, 33), g => g.Model);
        small.Difference.Should().BeApproximately(28 / 44.0 - 18 / 33.0, 1e-9);
        small.WithinNoise.Should().BeTrue("nine points on 44 and 33 pupils is well within chance");

        var large = RecallGap.Between(Group("Flickor", 700, 1000), Group("Pojkar", 500, 1000), g => g.Model);
        large.WithinNoise.Should().BeFalse();
        (large.Low, large.High).Should().Match<(double L, double H)>(i => i.L > 0.15 && i.H < 0.25);
    }

    [Fact]
    public void The_trend_cut_off_is_the_lowest_that_keeps_the_added_entries_within_the_share()
    {
        // The rule names three pupils once each; pupil 4, at no level, has probability 0.4: a Trend entry below 0.41.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var p = 1; p <= 4; p++)
        {
            for (var d = 0; d < 10; d++)
            {
                samples.Add(Day(p, d, p < 4 && d >= 5 ? Level.AtRisk : null, lasting: false));
                scores.Add(p == 4 ? 0.4f : 0.02f);
            }
        }

        AlertBudgetEvaluation.TrendCutOffFor(samples, scores, maxAddedShare: 0.1).CutOff.Should().BeApproximately(0.41, 1e-9);
        AlertBudgetEvaluation.TrendCutOffFor(samples, scores, maxAddedShare: 0.5).CutOff.Should().BeApproximately(0.05, 1e-9,
            "one added entry on three is within 50 %");
    }

    [Fact]
    public void The_stored_trend_cut_off_keeps_a_margin_for_the_noise_of_the_pupils_it_was_measured_on()
    {
        // Twenty pupils get one rule entry each; three at no level have probabilities 0.30, 0.25 and 0.20. Without a margin
        // 0.21 adds exactly two entries on twenty, the 10 % allowed. On a resample of these pupils (another year, other
        // pupils) those two or more often weigh more: with the 95 % upper bound held to 10 %, the cut-off is higher.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        float[] trend = [0.30f, 0.25f, 0.20f];
        for (var p = 1; p <= 23; p++)
        {
            for (var d = 0; d < 10; d++)
            {
                samples.Add(Day(p, d, p <= 20 && d >= 5 ? Level.AtRisk : null, lasting: false));
                scores.Add(p <= 20 ? 0.02f : trend[p - 21]);
            }
        }

        var point = AlertBudgetEvaluation.TrendCutOffWithMargin(samples, scores, maxAddedShare: 0.1, floor: 0.05, confidence: 0);
        (point.CutOff, point.AddedShare, point.Margin).Should().Be((0.21, 0.1, 0.0));
        AlertBudgetEvaluation.TrendCutOffFor(samples, scores, maxAddedShare: 0.1).CutOff.Should().Be(0.21, "the same choice without a margin");

        var robust = AlertBudgetEvaluation.TrendCutOffWithMargin(samples, scores, maxAddedShare: 0.1, floor: 0.05, confidence: 0.95);
        robust.CutOff.Should().BeGreaterThan(0.21);
        robust.UpperAddedShare.Should().BeLessThanOrEqualTo(0.1);
        robust.AddedShare.Should().BeLessThan(0.1, "the margin is paid for with fewer Trend entries on the samples themselves");
        robust.Should().Be(AlertBudgetEvaluation.TrendCutOffWithMargin(samples, scores, 0.1, 0.05, 0.95), "the resamples are seeded");
        (robust.Pupils, robust.RuleEntries).Should().Be((23, 20));

        AlertBudgetEvaluation.TrendCutOffWithMargin(samples, scores, maxAddedShare: 0.5, floor: 0.22, confidence: 0).CutOff
            .Should().Be(0.22, "never below the floor (Trend:CutOff)");
    }

    [Fact]
    public void Samples_before_the_period_are_a_warm_up_that_carries_flags_into_it_and_counts_nothing()
    {
        // The period begins on day 10; days 0–9 are a warm-up. Pupil 1 is at riskfrånvaro from day 5, lasting absence
        // begins on day 22. Pupil 2 is at riskfrånvaro on days 2–4 only (in the warm-up), pupil 3 on days 12–14.
        var samples = new List<TrendSample>();
        var scores = new List<float>();
        for (var d = 0; d < 30; d++)
        {
            samples.Add(Day(1, d, d >= 5 ? Level.AtRisk : null, lasting: d >= 22));
            samples.Add(Day(2, d, d is >= 2 and <= 4 ? Level.AtRisk : null, lasting: false));
            samples.Add(Day(3, d, d is >= 12 and <= 14 ? Level.AtRisk : null, lasting: false));
            scores.AddRange([0.01f, 0.01f, 0.01f]);
        }

        var warm = AlertBudgetEvaluation.Evaluate(samples, scores, Days[10], Days[^1], horizonWeeks: 4, trendCutOff: 0.5);
        var period = Enumerable.Range(0, samples.Count).Where(i => samples[i].Day >= 10).ToList();
        var cold = AlertBudgetEvaluation.Evaluate(period.Select(i => samples[i]).ToList(), period.Select(i => scores[i]).ToList(),
            Days[10], Days[^1], horizonWeeks: 4, trendCutOff: 0.5);

        (warm.Samples, warm.SchoolDays, warm.Pupils).Should().Be((60, 20, 3), "only the period's pupil-days are counted");
        warm.Overall.Rule.Entries.Should().Be(1, "pupil 3's; pupil 1's and pupil 2's were raised in the warm-up");
        warm.Overall.Rule.FlaggedDays.Should().Be(23, "pupil 1 on days 10–29, pupil 3 on days 12–14");
        (warm.Overall.LastingPupils, warm.Overall.Rule.Named).Should().Be((1, 1));
        (warm.Overall.Rule.MedianLeadDays, warm.Overall.Rule.LeadsCutAtStart).Should().Be((17, 0), "the flag stood from day 5");
        (cold.Overall.Rule.MedianLeadDays, cold.Overall.Rule.LeadsCutAtStart).Should().Be((12, 1), "without the warm-up it is cut off on day 10");
        cold.Overall.Rule.Entries.Should().Be(2, "pupil 1 appears new on the period's first day");
    }
}
