using System.Globalization;

namespace Skolnarvaro.Analysis.Thresholds;

public enum Level { Trend = 1, AtRisk = 2, High = 3 }

/// <summary>Which window an absence-share rule looks at. Windows count school days with scheduled time.</summary>
public enum ShareWindow { RecentOrTerm, Recent, Term }

/// <summary>Which window a minutes rule looks at.</summary>
public enum Window { Recent, Term }

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
    /// <summary>The short window, in school days with scheduled time.</summary>
    public int RecentWindowDays { get; set; } = 20;
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
            Patterns);
    }

    /// <summary>
    /// Messages naming each bad key and value; empty when the options are usable. With the school registry
    /// (skolenhetskod → driftsform), a school override must name a school in it (a typo would otherwise silently do
    /// nothing) and is checked together with its own driftsform's overrides.
    /// </summary>
    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string>? registry = null)
    {
        var errors = new List<string>();
        ValidateSettings(errors, Section, MinimumScheduledDays, RecentWindowDays);
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

    internal static void ValidateSettings(List<string> errors, string key, int? minimumDays, int? windowDays)
    {
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
                errors.Add($"{where}{Name(name)} has no rule in effect; set at least one of AbsenceShare, UnexcusedMinutes, " +
                           "ConsecutiveDaysAbsent, LateArrivals above 0.");
            }
        }

        void Compare<T>(string rule, T? atRisk, T? high, bool sameWindow = true) where T : struct, IComparable<T>
        {
            if (atRisk is { } a && high is { } h && sameWindow && h.CompareTo(a) < 0)
            {
                errors.Add($"{where}{Name("High")}:{rule} = {Format(h)}: below {Name("AtRisk")}:{rule} = {Format(a)}; " +
                           "hög frånvaro must not be a lower bar than riskfrånvaro.");
            }
        }

        Compare("AbsenceShare", t.AtRisk.AbsenceShare, t.High.AbsenceShare, t.AtRisk.AbsenceShareWindow == t.High.AbsenceShareWindow);
        Compare("UnexcusedMinutes", t.AtRisk.UnexcusedMinutes, t.High.UnexcusedMinutes, t.AtRisk.UnexcusedWindow == t.High.UnexcusedWindow);
        Compare("ConsecutiveDaysAbsent", t.AtRisk.ConsecutiveDaysAbsent, t.High.ConsecutiveDaysAbsent);
        Compare("LateArrivals", t.AtRisk.LateArrivals, t.High.LateArrivals);
    }

    internal static string Format(object value) => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    private static T? Find<T>(Dictionary<string, T> map, string key, StringComparison comparison) where T : class =>
        map.FirstOrDefault(kv => string.Equals(kv.Key, key, comparison)).Value;
}

/// <summary>What a driftsform or a school changes; a key left out keeps the value from the level above.</summary>
public sealed class ThresholdOverride
{
    public int? MinimumScheduledDays { get; set; }
    public int? RecentWindowDays { get; set; }
    public bool? LateCountsAsAbsence { get; set; }
    public LevelRules? AtRisk { get; set; }
    public LevelRules? High { get; set; }

    internal void Validate(List<string> errors, string key)
    {
        ThresholdOptions.ValidateSettings(errors, key, MinimumScheduledDays, RecentWindowDays);
        AtRisk?.Validate(errors, $"{key}:AtRisk");
        High?.Validate(errors, $"{key}:High");
    }
}

/// <summary>
/// A level is reached when any of its rules holds. A rule left out is not used; in an override, a rule left out keeps
/// the value from the level above and 0 switches it off.
/// </summary>
public sealed class LevelRules
{
    /// <summary>Absence (giltig + ogiltig, and sen ankomst when it counts) as a share of registered scheduled time: 0.10 = 10 %.</summary>
    public double? AbsenceShare { get; set; }
    /// <summary>The window <see cref="AbsenceShare"/> looks at: the recent window, the term to date, or either (default).</summary>
    public ShareWindow? AbsenceShareWindow { get; set; }
    /// <summary>Unexcused (ogiltig) minutes in <see cref="UnexcusedWindow"/>.</summary>
    public int? UnexcusedMinutes { get; set; }
    /// <summary>The window <see cref="UnexcusedMinutes"/> looks at: Recent (default) or Term.</summary>
    public Window? UnexcusedWindow { get; set; }
    /// <summary>School days in a row absent the whole day (sammanhängande frånvaro), reaching into the recent window.</summary>
    public int? ConsecutiveDaysAbsent { get; set; }
    /// <summary>School days with a late arrival (sen ankomst) in the recent window.</summary>
    public int? LateArrivals { get; set; }

    internal void Validate(List<string> errors, string key)
    {
        if (AbsenceShare is { } s && (double.IsNaN(s) || s < 0 || s > 1))
        {
            errors.Add($"{key}:AbsenceShare = {ThresholdOptions.Format(s)}: expected a share between 0 and 1, such as 0.10 for 10 % (0 switches the rule off).");
        }

        if (UnexcusedMinutes is < 0)
        {
            errors.Add($"{key}:UnexcusedMinutes = {UnexcusedMinutes}: must be 0 (off) or more.");
        }

        if (ConsecutiveDaysAbsent is < 0)
        {
            errors.Add($"{key}:ConsecutiveDaysAbsent = {ConsecutiveDaysAbsent}: must be 0 (off) or more.");
        }

        if (LateArrivals is < 0)
        {
            errors.Add($"{key}:LateArrivals = {LateArrivals}: must be 0 (off) or more.");
        }
    }
}

/// <summary>The rules of one level as they apply to one school; null means the rule is not used.</summary>
public sealed record EffectiveLevelRules(
    double? AbsenceShare, ShareWindow AbsenceShareWindow, int? UnexcusedMinutes, Window UnexcusedWindow, int? ConsecutiveDaysAbsent, int? LateArrivals)
{
    public bool HasAnyRule => AbsenceShare is not null || UnexcusedMinutes is not null || ConsecutiveDaysAbsent is not null || LateArrivals is not null;

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

/// <summary>Everything the rules need for one school, resolved from the defaults and the overrides.</summary>
public sealed record EffectiveThresholds(
    int MinimumScheduledDays, int RecentWindowDays, bool LateCountsAsAbsence, EffectiveLevelRules AtRisk, EffectiveLevelRules High, PatternOptions Patterns)
{
    public EffectiveLevelRules Rules(Level level) => level == Level.High ? High : AtRisk;
}

/// <summary>When a behaviour is worth naming in a pupil's description (Skolnarvaro:Thresholds:Patterns).</summary>
public sealed class PatternOptions
{
    /// <summary>"Frånvarande 4 av de senaste 5 måndagarna": absent on at least MinDays of the last Weeks occurrences of one weekday.</summary>
    public WeekdayPattern RecurringWeekday { get; set; } = new();
    /// <summary>"Frånvarande 5 av 8 lektioner i matematik": from lesson exports only.</summary>
    public SubjectPattern OneSubject { get; set; } = new();
    /// <summary>Ströfrånvaro: part-day absence on at least MinDays of the recent window.</summary>
    public DaysPattern Scattered { get; set; } = new() { MinDays = 6 };
    /// <summary>One long spell: at least MinDays whole days in a row.</summary>
    public DaysPattern LongSpell { get; set; } = new() { MinDays = 3 };
    /// <summary>Late arrival on at least MinDays of the recent window.</summary>
    public DaysPattern LateArrivals { get; set; } = new() { MinDays = 4 };

    internal void Validate(List<string> errors, string key)
    {
        if (RecurringWeekday.Weeks is < 2 or > 20)
        {
            errors.Add($"{key}:RecurringWeekday:Weeks = {RecurringWeekday.Weeks}: expected 2 to 20 weeks.");
        }

        if (RecurringWeekday.MinDays < 2 || RecurringWeekday.MinDays > RecurringWeekday.Weeks)
        {
            errors.Add($"{key}:RecurringWeekday:MinDays = {RecurringWeekday.MinDays}: expected 2 to Weeks ({RecurringWeekday.Weeks}).");
        }

        if (OneSubject.MinLessons < 1)
        {
            errors.Add($"{key}:OneSubject:MinLessons = {OneSubject.MinLessons}: must be at least 1.");
        }

        if (double.IsNaN(OneSubject.MinShare) || OneSubject.MinShare <= 0 || OneSubject.MinShare > 1)
        {
            errors.Add($"{key}:OneSubject:MinShare = {ThresholdOptions.Format(OneSubject.MinShare)}: expected a share above 0 and at most 1, such as 0.5.");
        }

        foreach (var (name, p) in new[] { ("Scattered", Scattered), ("LongSpell", LongSpell), ("LateArrivals", LateArrivals) })
        {
            if (p.MinDays < 1)
            {
                errors.Add($"{key}:{name}:MinDays = {p.MinDays}: must be at least 1.");
            }
        }
    }
}

public sealed class WeekdayPattern
{
    public int Weeks { get; set; } = 5;
    public int MinDays { get; set; } = 3;
}

public sealed class SubjectPattern
{
    /// <summary>Lessons in the subject in the recent window before it can be named.</summary>
    public int MinLessons { get; set; } = 4;
    /// <summary>Share of the subject's lessons the pupil was absent from.</summary>
    public double MinShare { get; set; } = 0.5;
}

public sealed class DaysPattern
{
    public int MinDays { get; set; }
}
