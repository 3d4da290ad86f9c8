using Skolnarvaro.Analysis.Patterns;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>Everything the rules need for one school, resolved from the defaults and the overrides.</summary>
public sealed record EffectiveThresholds(
    int MinimumScheduledDays, int RecentWindowDays, bool LateCountsAsAbsence, EffectiveLevelRules AtRisk, EffectiveLevelRules High, PatternOptions Patterns)
{
    /// <summary>School days in the term before the term-to-date share alone can flag.</summary>
    public int MinimumTermDaysForTermShare { get; init; }

    public EffectiveLevelRules Rules(Level level) => level == Level.High ? High : AtRisk;
}
