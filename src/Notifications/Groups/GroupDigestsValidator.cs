using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Groups;

/// <summary>The groups' digests are checked at start like the rektorer's: a level, count or cadence that cannot be is named with its key.</summary>
internal sealed class GroupDigestsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        Check(errors, "Mentor", options.Digest.Mentor);
        Check(errors, "Elevhalsan", options.Digest.Elevhalsan);
        Check(errors, "Skolnarvaroteam", options.Digest.Skolnarvaroteam);
        if (options.Digest.Skolnarvaroteam is { } team && (team.Levels is not null || team.LongSpells is not null))
        {
            errors.Add($"{NotificationOptions.Section}:Digest:Skolnarvaroteam: Levels and LongSpells do not apply: the skolnärvaroteam is told of " +
                       "the pupils whose support the school has requested, whatever their level. Remove them.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Check(List<string> errors, string group, GroupDigestSettings g)
    {
        var key = $"{NotificationOptions.Section}:Digest:{group}";
        foreach (var (level, i) in (g.Levels ?? []).Select((l, i) => (l, i)).Where(x => !GroupDigestSettings.LevelCodes.Contains(x.l?.Trim())))
        {
            errors.Add($"{key}:Levels:{i} = '{level}': expected High, AtRisk or Trend.");
        }

        if (g.MaxPupils is < 1)
        {
            errors.Add($"{key}:MaxPupils = {g.MaxPupils}: must be at least 1.");
        }

        if (g.Schedule is { } cadence && !Enum.IsDefined(cadence))
        {
            errors.Add($"{key}:Schedule = {cadence}: expected Weekly, Weekdays or Nightly.");
        }

        if (g.Schedule == DigestCadence.Weekdays && g.Weekdays is { Count: 0 })
        {
            errors.Add($"{key}:Weekdays is empty: a Weekdays schedule needs at least one day, such as [\"Monday\", \"Thursday\"].");
        }

        if (g.Enabled && g.Levels is { Count: 0 } && g.LongSpells == false)
        {
            errors.Add($"{key}: no Levels and LongSpells false: the group would never be told anything; set Enabled to false instead.");
        }
    }
}
