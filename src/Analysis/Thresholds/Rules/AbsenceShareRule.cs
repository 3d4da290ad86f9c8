using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Thresholds.Rules;

/// <summary>
/// Absence (giltig + ogiltig, and sen ankomst when it counts) as a share of registered scheduled time, in the recent window
/// or the term to date. The term share counts only once the term has enough days: on ten school days, two days off sick
/// are 20 %.
/// </summary>
public sealed class AbsenceShareRule : ThresholdRule
{
    private const double Tolerance = 1e-9;

    public override string Name => "AbsenceShare";

    public override (double? Bar, object? Window) Setting(EffectiveLevelRules rules) => (rules.AbsenceShare, rules.AbsenceShareWindow);

    /// <summary>The window in which the share is reached, the recent one first.</summary>
    public override string? Met(PupilFigures f, EffectiveLevelRules rules, EffectiveThresholds t) =>
        rules.AbsenceShare is not { } share ? null
        : rules.AbsenceShareWindow != ShareWindow.Term && f.Recent.AbsenceShare(t.LateCountsAsAbsence) >= share - Tolerance ? "AbsenceShare:Recent"
        : rules.AbsenceShareWindow != ShareWindow.Recent && f.Term.Days >= t.MinimumTermDaysForTermShare
          && f.Term.AbsenceShare(t.LateCountsAsAbsence) >= share - Tolerance ? "AbsenceShare:Term"
        : null;

    public override string? Describe(PupilFigures f, string met, EffectiveThresholds t, bool showsDays) =>
        met.EndsWith(":Term", StringComparison.Ordinal)
            ? BehaviourDescriptions.TermShare(f, t.LateCountsAsAbsence)
            : BehaviourDescriptions.RecentShare(f, t.LateCountsAsAbsence);
}
