using Skolnarvaro.Analysis.Patterns;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>Everything the rules need for one school, resolved from the defaults and the overrides.</summary>
public sealed record EffectiveThresholds(
    int MinimumScheduledDays, int RecentWindowDays, bool LateCountsAsAbsence, EffectiveLevelRules AtRisk, EffectiveLevelRules High, PatternOptions Patterns)
{
    public EffectiveLevelRules Rules(Level level) => level == Level.High ? High : AtRisk;
}
