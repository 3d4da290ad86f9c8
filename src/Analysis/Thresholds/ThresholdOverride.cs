namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>What a driftsform or a school changes; a key left out keeps the value from the level above.</summary>
public sealed class ThresholdOverride
{
    public int? MinimumScheduledDays { get; set; }
    public int? RecentWindowDays { get; set; }
    public int? MinimumTermDaysForTermShare { get; set; }
    public bool? LateCountsAsAbsence { get; set; }
    public LevelRules? AtRisk { get; set; }
    public LevelRules? High { get; set; }

    internal void Validate(List<string> errors, string key)
    {
        ThresholdOptions.ValidateSettings(errors, key, MinimumScheduledDays, RecentWindowDays, MinimumTermDaysForTermShare);
        AtRisk?.Validate(errors, $"{key}:AtRisk");
        High?.Validate(errors, $"{key}:High");
    }
}
