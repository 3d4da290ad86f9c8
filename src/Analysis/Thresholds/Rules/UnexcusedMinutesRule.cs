using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds.Rules;

/// <summary>Unexcused (ogiltig) minutes in the recent window or the term to date.</summary>
public sealed class UnexcusedMinutesRule : ThresholdRule
{
    public override string Name => "UnexcusedMinutes";

    public override (double? Bar, object? Window) Setting(EffectiveLevelRules rules) => (rules.UnexcusedMinutes, rules.UnexcusedWindow);

    public override string? Met(PupilFigures f, EffectiveLevelRules rules, EffectiveThresholds t) =>
        rules.UnexcusedMinutes is not { } minutes ? null
        : rules.UnexcusedWindow == Window.Term ? (f.Term.UnexcusedMinutes >= minutes ? "UnexcusedMinutes:Term" : null)
        : f.Recent.UnexcusedMinutes >= minutes ? "UnexcusedMinutes:Recent" : null;

    public override string? Describe(PupilFigures f, string met, EffectiveThresholds t, bool showsDays) =>
        BehaviourDescriptions.Unexcused(f, WindowOf(met));

    /// <summary>The window of a met rule ("UnexcusedMinutes:Term"), the recent one unless it says the term.</summary>
    public static Window WindowOf(string? met) => met?.EndsWith(":Term", StringComparison.Ordinal) == true ? Window.Term : Window.Recent;
}
