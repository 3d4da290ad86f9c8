using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>
/// One recipient group's digest (Skolnarvaro:Notifications:Digest:Mentor, …:Elevhalsan): which levels it holds, whether
/// pupils with a long whole-day spell come along whatever their level, how many cards, and its cadence. A key left out
/// keeps the group's default; a cadence left out follows the rektorer's digest (per school too).
/// </summary>
public sealed class GroupDigestSettings : DigestSchedule
{
    /// <summary>Off: the group gets no digest at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The levels the group is told about: High, AtRisk, Trend (the analysis's codes).</summary>
    public List<string>? Levels { get; set; }

    /// <summary>Pupils at any level whose absence shows one long whole-day spell (the analysis's LongSpell pattern) are included.</summary>
    public bool? LongSpells { get; set; }

    /// <summary>Pupil cards at most; the rest of the group's pupils are one line per level and class with their names.</summary>
    public int? MaxPupils { get; set; }

    /// <summary>The level codes a group may hold.</summary>
    public static readonly IReadOnlyList<string> LevelCodes = ["High", "AtRisk", "Trend"];

    /// <summary>A group's defaults: the mentor acts first on everything over the lines and on a rise; elevhälsan on the gravest.</summary>
    internal static GroupRules Defaults(RecipientGroup group) => group switch
    {
        RecipientGroup.Mentor => new GroupRules(group, true, ["High", "AtRisk", "Trend"], LongSpells: false, MaxPupils: 10),
        RecipientGroup.Elevhalsan => new GroupRules(group, true, ["High"], LongSpells: true, MaxPupils: 15),
        // The team is told of the pupils with support requested, whatever their level: Levels and LongSpells do not apply.
        RecipientGroup.Skolnarvaroteam => new GroupRules(group, true, [], LongSpells: false, MaxPupils: 20),
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, "the rektorer's digest has settings of its own"),
    };

    /// <summary>The group's rules: its own keys over its defaults, its cadence over the rektorer's.</summary>
    internal GroupRules Rules(RecipientGroup group, DigestSettings rektor)
    {
        var defaults = Defaults(group);
        var ownCadence = Schedule is not null || Weekday is not null || Weekdays is not null || Time is not null;
        var schedule = new DigestSettings
        {
            Schedule = Schedule ?? rektor.Schedule,
            Weekday = Weekday ?? rektor.Weekday,
            Weekdays = Weekdays ?? rektor.Weekdays,
            Time = Time ?? rektor.Time,
            SendInBreaks = rektor.SendInBreaks,
            // A group with a cadence of its own keeps it at every school; otherwise it goes with each school's rektor digest.
            Schools = ownCadence ? [] : rektor.Schools,
        };
        return defaults with
        {
            Enabled = Enabled,
            Levels = Levels is { Count: > 0 } levels ? [.. levels.Select(l => l.Trim())] : defaults.Levels,
            LongSpells = LongSpells ?? defaults.LongSpells,
            MaxPupils = MaxPupils ?? defaults.MaxPupils,
            Schedule = schedule,
        };
    }
}

/// <summary>What a group's digest holds and when it goes, settled from its settings.</summary>
public sealed record GroupRules(RecipientGroup Group, bool Enabled, IReadOnlyList<string> Levels, bool LongSpells, int MaxPupils)
{
    public DigestSettings Schedule { get; init; } = new();

    /// <summary>Whether a pupil at <paramref name="level"/>, with or without a long spell, is the group's.</summary>
    public bool Holds(string level, bool longSpell) => Levels.Contains(level) || (LongSpells && longSpell);
}
