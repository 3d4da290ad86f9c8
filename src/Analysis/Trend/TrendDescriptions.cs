using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis.Trend;

/// <summary>
/// One to three plain Swedish sentences for a Trend flag, from the features that raised the pupil's probability most:
/// what the pupil did, in figures, never the model's score or a label. Features that are no behaviour (grade, days in
/// the term) are skipped; sentences that would say nothing (no late arrival to report) are never written.
/// </summary>
public static class TrendDescriptions
{
    public static IReadOnlyList<string> Describe(TrendFeatures f, IEnumerable<int> featuresByContribution)
    {
        var lines = featuresByContribution.Select(i => Sentence(f, i)).OfType<string>().Distinct().Take(BehaviourDescriptions.Max).ToList();
        if (lines.Count == 0 && (Rise(f) ?? Recent(f)) is { } fallback)
        {
            lines.Add(fallback);
        }

        return lines;
    }

    private static string? Sentence(TrendFeatures f, int feature) => TrendFeatures.Names[feature] switch
    {
        "share_5d" or "share_10d" or "share_prior_10d" or "slope_20d_per_week" or "days_since_last_absence" or "slope_40d_per_week"
            or "share_smoothed_10d_half_life" or "rising_weeks_of_6" or "share_40d_across_terms" => Rise(f) ?? Recent(f),
        "beyond_illness_share_20d" or "beyond_illness_change_10d" => f.PartDays20 > 0
            ? BehaviourDescriptions.PartDays(f.PartDays20, f.Last20.Days) : Rise(f),
        "share_20d" => Recent(f),
        "share_term" or "term_days" => Term(f),
        "unexcused_share_20d" or "unexcused_part_of_absence_term" => f.UnexcusedMinutes20 > 0
            ? $"Ogiltig frånvaro {RuleEvaluator.Hours(f.UnexcusedMinutes20)} de senaste {f.Last20.Days} skoldagarna." : null,
        "absence_days_20d" => f.AbsenceDays20 > 0 ? $"Frånvarande hela eller en del av dagen {f.AbsenceDays20} av de senaste {f.Last20.Days} skoldagarna." : null,
        "part_days_20d" => f.PartDays20 > 0 ? BehaviourDescriptions.PartDays(f.PartDays20, f.Last20.Days) : null,
        "whole_day_spells_40d" or "longest_spell_40d" or "current_spell" => Spells(f),
        "weekday_concentration_25d" => f.Weekday is { AbsentDays: >= 3 } w ? BehaviourDescriptions.Weekday(w) : null,
        "late_days_20d" or "late_share_20d" => f.LateDays20 > 0
            ? $"Sen ankomst {f.LateDays20} av de senaste {f.Last20.Days} skoldagarna, sammanlagt {RuleEvaluator.Hours(f.LateMinutes20)}." : null,
        "previous_term_share" or "change_vs_previous_term" or "previous_term_last_20d" or "change_vs_previous_term_end" => f.PreviousTerm is { } p && f.Term.Value > p.Value && f.Term.Absent > 0
            ? $"Frånvarande {Percent(f.Term.Value)} av den schemalagda tiden hittills i terminen, mot {Percent(p.Value)} förra terminen." : null,
        _ => null,
    };

    /// <summary>"Frånvaron har ökat från 2 % till 9 % …": the last ten school days against the ten before them.</summary>
    private static string? Rise(TrendFeatures f) =>
        f.Last10.Absent > 0 && f.Prior10.Days > 0 && f.Last10.Value > f.Prior10.Value
            ? $"Frånvaron har ökat från {Percent(f.Prior10.Value)} till {Percent(f.Last10.Value)} av den schemalagda tiden: " +
              $"de senaste {f.Last10.Days} skoldagarna jämfört med de {f.Prior10.Days} före."
            : null;

    private static string? Recent(TrendFeatures f) => f.Last20.Absent > 0
        ? $"Frånvarande {Percent(f.Last20.Value)} av den schemalagda tiden de senaste {f.Last20.Days} skoldagarna."
        : null;

    private static string? Term(TrendFeatures f) => f.Term.Absent > 0
        ? $"Frånvarande {Percent(f.Term.Value)} av den schemalagda tiden hittills i terminen ({f.Term.Days} skoldagar)."
        : null;

    private static string? Spells(TrendFeatures f)
    {
        if (f.WholeDaySpells40 == 0)
        {
            return null;
        }

        var window = Math.Min(40, f.TermDays);
        var times = f.WholeDaySpells40 == 1 ? "vid ett tillfälle" : $"vid {f.WholeDaySpells40} tillfällen";
        var longest = f.LongestSpell40 > 1 ? $", som längst {f.LongestSpell40} skoldagar i följd" : "";
        var now = f.CurrentSpell > 0 ? $"; frånvarande hela dagen {(f.CurrentSpell == 1 ? "den senaste skoldagen" : $"de senaste {f.CurrentSpell} skoldagarna")}" : "";
        return $"Frånvarande hela dagen {times} de senaste {window} skoldagarna{longest}{now}.";
    }

    private static string Percent(double share) => RuleEvaluator.Percent(share);
}
