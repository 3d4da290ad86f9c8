using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds.Rules;

/// <summary>
/// One of the agreed rules that put a pupil at a level: when it holds, and what it says about the pupil in Swedish. A new
/// rule is a class in this folder, listed in <see cref="All"/>, with its setting in <see cref="LevelRules"/> and
/// <see cref="EffectiveLevelRules"/> (the configuration).
/// </summary>
public abstract class ThresholdRule
{
    /// <summary>Every rule, in the order a rektor finds most telling: the first that holds opens the pupil's descriptions.</summary>
    public static IReadOnlyList<ThresholdRule> All { get; } =
        [new ConsecutiveDaysAbsentRule(), new AbsenceShareRule(), new UnexcusedMinutesRule(), new LateArrivalsRule()];

    /// <summary>The rule a met rule names ("AbsenceShare:Recent" is <see cref="AbsenceShareRule"/>).</summary>
    public static ThresholdRule Of(string met) =>
        All.First(rule => met.StartsWith(rule.Name, StringComparison.Ordinal) && (met.Length == rule.Name.Length || met[rule.Name.Length] == ':'));

    /// <summary>The rule's key in configuration (<c>Skolnarvaro:Thresholds:High:ConsecutiveDaysAbsent</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// The bar the rule sets at one level (null: not used) and the window it looks at; bars compare only within one window.
    /// </summary>
    public abstract (double? Bar, object? Window) Setting(EffectiveLevelRules rules);

    /// <summary>The rule as met, with its window where it has one ("AbsenceShare:Recent"); null when it does not hold.</summary>
    public abstract string? Met(PupilFigures f, EffectiveLevelRules rules, EffectiveThresholds t);

    /// <summary>What put the pupil at the level, in one Swedish sentence about behaviour; null where the figures cannot say it.</summary>
    public abstract string? Describe(PupilFigures f, string met, EffectiveThresholds t, bool showsDays);
}
