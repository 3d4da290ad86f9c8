using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds.Rules;

/// <summary>School days with a late arrival (sen ankomst) in the recent window.</summary>
public sealed class LateArrivalsRule : ThresholdRule
{
    public override string Name => "LateArrivals";

    public override (double? Bar, object? Window) Setting(EffectiveLevelRules rules) => (rules.LateArrivals, null);

    public override string? Met(PupilFigures f, EffectiveLevelRules rules, EffectiveThresholds t) =>
        rules.LateArrivals is { } late && f.Recent.LateDays >= late ? "LateArrivals" : null;

    // Without single days (summary exports), late arrivals are an artefact of spreading a total.
    public override string? Describe(PupilFigures f, string met, EffectiveThresholds t, bool showsDays) =>
        showsDays ? BehaviourDescriptions.Late(f) : null;
}
