using System.Globalization;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds.Rules;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>
/// The locally agreed absence thresholds (Skolnarvaro:Thresholds). There is no national threshold; the defaults
/// follow common Swedish practice: riskfrånvaro from 10 %, hög frånvaro from 20 % or 5 consecutive days.
/// A driftsform (<see cref="Driftsform"/>) and then a school (<see cref="Schools"/>) may override any of the
/// level settings key by key; <see cref="For"/> resolves what applies to one school.
/// </summary>
public sealed class ThresholdOptions
{
    public const string Section = "Skolnarvaro:Thresholds";

    /// <summary>Days with scheduled time a pupil needs in the term, at the school, before any flag.</summary>
    public int MinimumScheduledDays { get; set; } = 10;
    /// <summary>
    /// The short window, in school days with scheduled time. Early in a term it reaches back over the break into the
    /// previous term's last school days at the school: the share is about the pupil, not the calendar.
    /// </summary>
    public int RecentWindowDays { get; set; } = 20;
    /// <summary>
    /// School days with scheduled time in the term before the term-to-date share alone can flag. 20, the recent window's
    /// default: the term share never rests on fewer days than the recent share it stands beside.
    /// </summary>
    public int MinimumTermDaysForTermShare { get; set; } = 20;
    /// <summary>Whether late arrival (sen ankomst) minutes count as absence. Systems differ.</summary>
    public bool LateCountsAsAbsence { get; set; }
    public LevelRules AtRisk { get; set; } = new() { AbsenceShare = 0.10 };
    public LevelRules High { get; set; } = new() { AbsenceShare = 0.20, ConsecutiveDaysAbsent = 5 };
    /// <summary>When a behaviour is worth naming in a description. Municipality-wide: they describe, they do not flag.</summary>
    public PatternOptions Patterns { get; set; } = new();
    /// <summary>Overrides per driftsform: <c>Municipal</c> or <c>Independent</c>.</summary>
    public Dictionary<string, ThresholdOverride> Driftsform { get; set; } = [];
    /// <summary>Overrides per school, by skolenhetskod; applied after the driftsform's.</summary>
    public Dictionary<string, ThresholdOverride> Schools { get; set; } = [];

    public static readonly IReadOnlyList<string> DriftsformNames = ["Municipal", "Independent"];

    /// <summary>The thresholds that apply to one school: the defaults, then its driftsform's overrides, then its own.</summary>
    public EffectiveThresholds For(string skolenhetskod, string? driftsform)
    {
        var layers = new List<ThresholdOverride>();
        if (driftsform is not null && Find(Driftsform, driftsform, StringComparison.OrdinalIgnoreCase) is { } byForm)
        {
            layers.Add(byForm);
        }

        if (Find(Schools, skolenhetskod, StringComparison.Ordinal) is { } bySchool)
        {
            layers.Add(bySchool);
        }

        return new EffectiveThresholds(
            layers.Select(l => l.MinimumScheduledDays).LastOrDefault(v => v is not null) ?? MinimumScheduledDays,
            layers.Select(l => l.RecentWindowDays).LastOrDefault(v => v is not null) ?? RecentWindowDays,
            layers.Select(l => l.LateCountsAsAbsence).LastOrDefault(v => v is not null) ?? LateCountsAsAbsence,
            EffectiveLevelRules.Merge(AtRisk, layers.Select(l => l.AtRisk)),
            EffectiveLevelRules.Merge(High, layers.Select(l => l.High)),
            Patterns)
        {
            MinimumTermDaysForTermShare = layers.Select(l => l.MinimumTermDaysForTermShare).LastOrDefault(v => v is not null) ?? MinimumTermDaysForTermShare,
        };
    }

    /// <summary>
    /// Messages naming each bad key and value; empty when the options are usable. With the school registry
    /// (skolenhetskod → driftsform), a school override must name a school in it (a typo would otherwise silently do
    /// nothing) and is checked together with its own driftsform's overrides.
    /// </summary>
    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string>? registry = null)
    {
        var errors = new List<string>();
        ValidateSettings(errors, Section, MinimumScheduledDays, RecentWindowDays, MinimumTermDaysForTermShare);
        AtRisk.Validate(errors, $"{Section}:AtRisk");
        High.Validate(errors, $"{Section}:High");
        Patterns.Validate(errors, $"{Section}:Patterns");

        foreach (var (form, o) in Driftsform)
        {
            var key = $"{Section}:Driftsform:{form}";
            if (!DriftsformNames.Contains(form, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{key}: unknown driftsform '{form}'; expected {string.Join(" or ", DriftsformNames)}.");
            }

            o.Validate(errors, key);
        }

        foreach (var (code, o) in Schools)
        {
            var key = $"{Section}:Schools:{code}";
            if (code.Length != 8 || !code.All(char.IsAsciiDigit))
            {
                errors.Add($"{key}: '{code}' is not a skolenhetskod; expected 8 digits.");
            }
            else if (registry is { Count: > 0 } && !registry.ContainsKey(code))
            {
                errors.Add($"{key}: no school with skolenhetskod {code} in the school registry (Skolnarvaro:Schools).");
            }

            o.Validate(errors, key);
        }

        // Each combination an override can produce must itself make sense: a level with no rule, or hög frånvaro
        // with a lower bar than riskfrånvaro, would flag nobody or flag backwards.
        CheckEffective(errors, Section, null, For("", null));
        foreach (var form in Driftsform.Keys)
        {
            CheckEffective(errors, $"{Section}:Driftsform:{form}", null, For("", form));
        }

        foreach (var code in Schools.Keys)
        {
            var forms = registry is not null && registry.TryGetValue(code, out var known) ? [known] : DriftsformNames;
            foreach (var form in forms)
            {
                CheckEffective(errors, $"{Section}:Schools:{code}", form, For(code, form));
            }
        }

        return errors.Distinct();
    }

    internal static void ValidateSettings(List<string> errors, string key, int? minimumDays, int? windowDays, int? minimumTermDays)
    {
        if (minimumTermDays is < 0)
        {
            errors.Add($"{key}:MinimumTermDaysForTermShare = {minimumTermDays}: must be 0 or more.");
        }
        else if (minimumTermDays > 200)
        {
            errors.Add($"{key}:MinimumTermDaysForTermShare = {minimumTermDays}: longer than a school year (about 180 days); " +
                       "the term share would never flag; use AbsenceShareWindow = Recent instead.");
        }

        if (minimumDays is < 0)
        {
            errors.Add($"{key}:MinimumScheduledDays = {minimumDays}: must be 0 or more.");
        }

        if (windowDays is < 1)
        {
            errors.Add($"{key}:RecentWindowDays = {windowDays}: a window must be at least 1 school day.");
        }
        else if (windowDays > 200)
        {
            errors.Add($"{key}:RecentWindowDays = {windowDays}: longer than a school year (about 180 days); use the term window instead.");
        }
    }

    /// <param name="key">The section whose settings produced <paramref name="t"/>.</param>
    /// <param name="driftsform">For a school override: the driftsform it was combined with.</param>
    private static void CheckEffective(List<string> errors, string key, string? driftsform, EffectiveThresholds t)
    {
        var where = key == Section ? "" : $"{key}: with this override{(driftsform is null ? "" : $" (driftsform {driftsform})")}, ";
        string Name(string name) => key == Section ? $"{Section}:{name}" : name;
        foreach (var (name, rules) in new[] { ("AtRisk", t.AtRisk), ("High", t.High) })
        {
            if (!rules.HasAnyRule)
            {
                errors.Add($"{where}{Name(name)} has no rule in effect; set at least one of " +
                           $"{string.Join(", ", ThresholdRule.All.Select(r => r.Name))} above 0.");
            }
        }

        foreach (var rule in ThresholdRule.All)
        {
            var (atRisk, high) = (rule.Setting(t.AtRisk), rule.Setting(t.High));
            if (atRisk.Bar is { } a && high.Bar is { } h && Equals(atRisk.Window, high.Window) && h < a)
            {
                errors.Add($"{where}{Name("High")}:{rule.Name} = {Format(h)}: below {Name("AtRisk")}:{rule.Name} = {Format(a)}; " +
                           "hög frånvaro must not be a lower bar than riskfrånvaro.");
            }
        }
    }

    internal static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static T? Find<T>(Dictionary<string, T> map, string key, StringComparison comparison) where T : class =>
        map.FirstOrDefault(kv => string.Equals(kv.Key, key, comparison)).Value;
}
