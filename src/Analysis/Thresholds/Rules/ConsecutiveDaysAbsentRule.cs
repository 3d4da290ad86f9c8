using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds.Rules;

/// <summary>School days in a row absent the whole day (sammanhängande frånvaro), reaching into the recent window.</summary>
public sealed class ConsecutiveDaysAbsentRule : ThresholdRule
{
    public override string Name => "ConsecutiveDaysAbsent";

    public override (double? Bar, object? Window) Setting(EffectiveLevelRules rules) => (rules.ConsecutiveDaysAbsent, null);

    public override string? Met(PupilFigures f, EffectiveLevelRules rules, EffectiveThresholds t) =>
        rules.ConsecutiveDaysAbsent is { } days && f.LongestSpellDays >= days ? "ConsecutiveDaysAbsent" : null;

    // Without single days (summary exports), days in a row are an artefact of spreading a total.
    public override string? Describe(PupilFigures f, string met, EffectiveThresholds t, bool showsDays) =>
        showsDays ? BehaviourDescriptions.Spell(f) : null;
}
