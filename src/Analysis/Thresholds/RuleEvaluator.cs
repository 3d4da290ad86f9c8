using System.Globalization;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Patterns;

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
    private const double Tolerance = 1e-9;

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

        var rules = RulesMet(f, t.Rules(l), t).Select(r => $"{l}:{r}").ToList();
        var patterns = showsDays ? PupilPatterns.Find(f, subjects, t.Patterns) : PupilPatterns.None;
        return new Assessment(f, l, BehaviourDescriptions.Describe(f, rules, patterns, t, showsDays))
        {
            RulesMet = rules,
            Patterns = patterns,
            LateCountsAsAbsence = t.LateCountsAsAbsence,
        };
    }

    /// <summary>The municipality-wide defaults applied to a school without overrides.</summary>
    public static Assessment Evaluate(PupilFigures f, ThresholdOptions o) => Evaluate(f, o.For(f.Skolenhetskod, null));

    private static bool Meets(PupilFigures f, EffectiveLevelRules r, EffectiveThresholds t) =>
        (r.AbsenceShare is { } share && MeetsShare(f, share, r.AbsenceShareWindow, t) is not null)
        || (r.UnexcusedMinutes is { } minutes && WindowOf(f, r.UnexcusedWindow).UnexcusedMinutes >= minutes)
        || (r.ConsecutiveDaysAbsent is { } days && f.LongestSpellDays >= days)
        || (r.LateArrivals is { } late && f.Recent.LateDays >= late);

    public static IEnumerable<string> RulesMet(PupilFigures f, EffectiveLevelRules r, EffectiveThresholds t)
    {
        if (r.ConsecutiveDaysAbsent is { } days && f.LongestSpellDays >= days)
        {
            yield return "ConsecutiveDaysAbsent";
        }

        if (r.AbsenceShare is { } share && MeetsShare(f, share, r.AbsenceShareWindow, t) is { } window)
        {
            yield return $"AbsenceShare:{window}";
        }

        if (r.UnexcusedMinutes is { } minutes && WindowOf(f, r.UnexcusedWindow).UnexcusedMinutes >= minutes)
        {
            yield return $"UnexcusedMinutes:{r.UnexcusedWindow}";
        }

        if (r.LateArrivals is { } late && f.Recent.LateDays >= late)
        {
            yield return "LateArrivals";
        }
    }

    /// <summary>
    /// The window in which the share is reached (the recent one first), or null. The term share counts only once the term
    /// has enough days: on ten school days, two days off sick are 20 %.
    /// </summary>
    private static Window? MeetsShare(PupilFigures f, double share, ShareWindow window, EffectiveThresholds t) =>
        window != ShareWindow.Term && f.Recent.AbsenceShare(t.LateCountsAsAbsence) >= share - Tolerance ? Window.Recent
        : window != ShareWindow.Recent && f.Term.Days >= t.MinimumTermDaysForTermShare
          && f.Term.AbsenceShare(t.LateCountsAsAbsence) >= share - Tolerance ? Window.Term
        : null;

    private static WindowFigures WindowOf(PupilFigures f, Window window) => window == Window.Term ? f.Term : f.Recent;

    public static string Percent(double share) => (share * 100).ToString("0", Sv) + " %";

    /// <summary>"93,4 %": for figures where a tenth of a point matters, such as a term's attendance.</summary>
    public static string Percent(double share, int decimals) =>
        (share * 100).ToString(decimals <= 0 ? "0" : "0." + new string('0', decimals), Sv) + " %";

    /// <summary>"45 minuter", "2,5 timmar", "27 timmar": no more precision than a reader can use.</summary>
    public static string Hours(int minutes) => minutes < 90
        ? $"{minutes} minuter"
        : (minutes / 60.0).ToString(minutes < 600 ? "0.#" : "0", Sv) + " timmar";
}
