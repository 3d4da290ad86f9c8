using System.Globalization;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds.Rules;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>A pupil's level on a date, with the behaviour that put them there, in plain Swedish.</summary>
public sealed record Assessment(PupilFigures Figures, Level? Level, IReadOnlyList<string> Descriptions)
{
    /// <summary>The rules that held, as <c>Level:Rule[:Window]</c>, e.g. <c>High:ConsecutiveDaysAbsent</c>.</summary>
    public IReadOnlyList<string> RulesMet { get; init; } = [];
    public PupilPatterns Patterns { get; init; } = PupilPatterns.None;
    public bool LateCountsAsAbsence { get; init; }
    /// <summary>For a Trend flag: the model's probability and the features behind it; null for the rules' levels.</summary>
    public TrendScore? TrendScore { get; init; }
    /// <summary>The first school day of the unbroken run at this level or above, from the facts (<see cref="LevelReached"/>); null for Trend flags.</summary>
    public DateOnly? ReachedOn { get; init; }
}

/// <summary>Applies the agreed rules to a pupil's figures. Descriptions say what the pupil did, never why.</summary>
public static class RuleEvaluator
{
    private static readonly CultureInfo Sv = CultureInfo.GetCultureInfo("sv-SE");

    /// <summary>The level alone, allocation-free: what the nightly run needs for every pupil and the back-test for every day.</summary>
    public static Level? LevelOf(PupilFigures f, EffectiveThresholds t) =>
        f.ScheduledDays < t.MinimumScheduledDays ? null
        : Meets(f, t.High, t) ? Level.High
        : Meets(f, t.AtRisk, t) ? Level.AtRisk
        : null;

    /// <summary>
    /// The level, the rules that held, the patterns and one to three descriptions. Where the school's exports do not show
    /// single days (<paramref name="showsDays"/> false: summaries spread over their period), no day, weekday or subject
    /// pattern is named: it would describe the spreading, not the pupil.
    /// </summary>
    public static Assessment Evaluate(PupilFigures f, EffectiveThresholds t, IReadOnlyList<SubjectFigures>? subjects = null, bool showsDays = true)
    {
        var level = LevelOf(f, t);
        if (level is not { } l)
        {
            return new Assessment(f, null, []) { LateCountsAsAbsence = t.LateCountsAsAbsence };
        }

        var met = RulesMet(f, t.Rules(l), t).ToList();
        var rules = met.Select(r => $"{l}:{r}").ToList();
        var patterns = showsDays ? PupilPatterns.Find(f, subjects, t.Patterns) : PupilPatterns.None;
        return new Assessment(f, l, BehaviourDescriptions.Describe(f, met, patterns, t, showsDays))
        {
            RulesMet = rules,
            Patterns = patterns,
            LateCountsAsAbsence = t.LateCountsAsAbsence,
        };
    }

    /// <summary>The municipality-wide defaults applied to a school without overrides.</summary>
    public static Assessment Evaluate(PupilFigures f, ThresholdOptions o) => Evaluate(f, o.For(f.Skolenhetskod, null));

    private static bool Meets(PupilFigures f, EffectiveLevelRules r, EffectiveThresholds t)
    {
        foreach (var rule in ThresholdRule.All)
        {
            if (rule.Met(f, r, t) is not null)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The rules that hold at a level, as <c>Rule[:Window]</c>, in <see cref="ThresholdRule.All"/>'s order.</summary>
    public static IEnumerable<string> RulesMet(PupilFigures f, EffectiveLevelRules r, EffectiveThresholds t) =>
        ThresholdRule.All.Select(rule => rule.Met(f, r, t)).OfType<string>();

    public static string Percent(double share) => (share * 100).ToString("0", Sv) + " %";

    /// <summary>"93,4 %": for figures where a tenth of a point matters, such as a term's attendance.</summary>
    public static string Percent(double share, int decimals) =>
        (share * 100).ToString(decimals <= 0 ? "0" : "0." + new string('0', decimals), Sv) + " %";

    /// <summary>"45 minuter", "2,5 timmar", "27 timmar": no more precision than a reader can use.</summary>
    public static string Hours(int minutes) => minutes < 90
        ? $"{minutes} minuter"
        : (minutes / 60.0).ToString(minutes < 600 ? "0.#" : "0", Sv) + " timmar";
}
