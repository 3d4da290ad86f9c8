using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Insights.Tests.Trend;

/// <summary>The evaluation's arithmetic on hand-made samples whose right answers are known.</summary>
public sealed class TrendEvaluationTests
{
    private static readonly DateOnly Monday = new(2026, 9, 7);

    private static TrendSample Sample(int pupil, int week, Level? level, int? toHigh, string gender = "F", string driftsform = "Municipal") =>
        new("11111111", [(byte)pupil, 0], Monday.AddDays(7 * week + 4), new float[TrendFeatures.Count], level, toHigh,
            toHigh is { } t ? Monday.AddDays(7 * week + 4).AddDays(7 * t / 5) : null, toHigh <= 20, gender, driftsform);

    [Fact]
    public void AUC_is_one_for_a_perfect_ranking_zero_for_a_reversed_one_and_a_half_for_ties()
    {
        var samples = new[] { Sample(1, 0, null, 5), Sample(2, 0, null, null), Sample(3, 0, null, 10), Sample(4, 0, null, null) };
        var idx = Enumerable.Range(0, 4).ToList();

        TrendEvaluation.Auc(idx, samples, i => samples[i].Label ? 1 : 0).Should().Be(1);
        TrendEvaluation.Auc(idx, samples, i => samples[i].Label ? 0 : 1).Should().Be(0);
        TrendEvaluation.Auc(idx, samples, _ => 0.3).Should().Be(0.5);
        TrendEvaluation.Auc(idx, samples, i => new[] { 0.9, 0.8, 0.1, 0.2 }[i]).Should().Be(0.5, "one positive above both negatives, one below both");
        TrendEvaluation.Auc([1, 3], samples, _ => 1).Should().BeNull("a group with only one class has no AUC");
    }

    [Fact]
    public void The_model_is_compared_at_the_rules_flag_rate_and_the_lead_counts_the_unbroken_run_before_crossing()
    {
        // Pupil 1 crosses 12 school days after week 0: the rule has them at risk only in week 2, the model from week 0.
        // Pupil 2 never crosses; the rule flags them in week 0 (a false alarm), the model never.
        var samples = new[]
        {
            Sample(1, 0, null, 12), Sample(1, 1, null, 7), Sample(1, 2, Level.AtRisk, 2),
            Sample(2, 0, Level.AtRisk, null, "M"), Sample(2, 1, null, null, "M"), Sample(2, 2, null, null, "M"),
        };
        float[] scores = [0.7f, 0.8f, 0.9f, 0.1f, 0.1f, 0.1f];

        var r = TrendEvaluation.Evaluate(samples, scores, Monday, Monday.AddDays(30), 4, cutOff: 0.5);

        r.Overall.Rule.Flags.Should().Be(2);
        r.Overall.Model.Flags.Should().Be(2, "the model gets as many flags as the rule: its two highest scores");
        (r.Overall.Model.Recall, r.Overall.Rule.Recall).Should().Be((2.0 / 3, 1.0 / 3));
        (r.Overall.Model.Precision, r.Overall.Rule.Precision).Should().Be((1.0, 0.5));
        r.Overall.Crossers.Should().Be(1);
        r.Overall.Rule.MedianLeadWeeks.Should().Be(0.4, "flagged at the last scoring date, 2 school days before crossing");
        r.Overall.Model.MedianLeadWeeks.Should().Be(1.4, "flagged in weeks 1 and 2 (its top two), unbroken, 7 school days before");
        r.Overall.Nightly.MedianLeadWeeks.Should().Be(2.4, "Trend from week 0 at the cut-off, then riskfrånvaro");
        r.ByGender.Select(g => g.Group).Should().Equal("Flickor", "Pojkar");
        r.ByGender[1].Rule.Precision.Should().Be(0, "the rule's false alarm was the boy's");
        r.TrendAtCutOff.Flags.Should().Be(2, "pupil 1 in weeks 0 and 1: not at a level and above the cut-off");
    }
}

/// <summary>The trend settings are checked like the thresholds: each bad value named with its key.</summary>
public sealed class TrendOptionsTests
{
    [Fact]
    public void Bad_trend_settings_are_named_with_their_key_and_value()
    {
        var options = new TrendOptions { HorizonWeeks = 0, CutOff = 1.5, Trainer = new TrendTrainerSettings { Leaves = 1 } };

        options.Validate().Should().BeEquivalentTo(
            "Skolnarvaro:Trend:HorizonWeeks = 0: expected 1 to 20 school weeks.",
            "Skolnarvaro:Trend:CutOff = 1.5: expected a share above 0 and below 1, such as 0.3.",
            "Skolnarvaro:Trend:Trainer:Leaves = 1: expected 2 to 1024.");
        new TrendOptions().Validate().Should().BeEmpty();
    }
}
