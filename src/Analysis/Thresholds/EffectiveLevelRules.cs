using Skolnarvaro.Analysis.Thresholds.Rules;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>The rules of one level as they apply to one school; null means the rule is not used.</summary>
public sealed record EffectiveLevelRules(
    double? AbsenceShare, ShareWindow AbsenceShareWindow, int? UnexcusedMinutes, Window UnexcusedWindow, int? ConsecutiveDaysAbsent, int? LateArrivals)
{
    public bool HasAnyRule => ThresholdRule.All.Any(rule => rule.Setting(this).Bar is not null);

    internal static EffectiveLevelRules Merge(LevelRules baseRules, IEnumerable<LevelRules?> overrides)
    {
        var all = new[] { baseRules }.Concat(overrides.OfType<LevelRules>()).ToList();
        T? Last<T>(Func<LevelRules, T?> get) where T : struct => all.Select(get).LastOrDefault(v => v is not null);
        return new EffectiveLevelRules(
            On(Last(r => r.AbsenceShare)),
            Last(r => r.AbsenceShareWindow) ?? ShareWindow.RecentOrTerm,
            On(Last(r => r.UnexcusedMinutes)),
            Last(r => r.UnexcusedWindow) ?? Window.Recent,
            On(Last(r => r.ConsecutiveDaysAbsent)),
            On(Last(r => r.LateArrivals)));
    }

    private static double? On(double? v) => v is > 0 ? v : null;

    private static int? On(int? v) => v is > 0 ? v : null;
}
