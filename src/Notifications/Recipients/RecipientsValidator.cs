using Microsoft.Extensions.Options;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Recipients;

/// <summary>
/// A mistyped address is caught at start, naming its key, not after a night of retries (the rektorer's are the registry's to
/// check); how much of a name mails carry, and the digest's settings likewise, per school only for schools in the registry.
/// </summary>
internal sealed class RecipientsValidator(SchoolRegistry registry) : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.OpsAddress) && !IsAddress(options.OpsAddress))
        {
            errors.Add($"{NotificationOptions.Section}:OpsAddress = '{options.OpsAddress}': not an e-mail address.");
        }

        if (!IsAddress(options.FromAddress))
        {
            errors.Add($"{NotificationOptions.Section}:FromAddress = '{options.FromAddress}': not an e-mail address.");
        }

        if (!Enum.IsDefined(options.NameDisplay))
        {
            errors.Add($"{NotificationOptions.Section}:NameDisplay = {options.NameDisplay}: expected Full, FirstNameInitialClass or None.");
        }

        if (options.ReminderCooldownDays < 1)
        {
            errors.Add($"{NotificationOptions.Section}:ReminderCooldownDays = {options.ReminderCooldownDays}: must be at least 1.");
        }

        var digest = options.Digest;
        if (digest.MaxPupils < 1)
        {
            errors.Add($"{NotificationOptions.Section}:Digest:MaxPupils = {digest.MaxPupils}: must be at least 1.");
        }

        foreach (var (key, schedule) in new[] { ("Digest", (Digests.DigestSchedule)digest) }.Concat(digest.Schools.Select(kv => ($"Digest:Schools:{kv.Key}", kv.Value))))
        {
            if (schedule.Schedule == Digests.DigestCadence.Weekdays && schedule.Weekdays is { Count: 0 })
            {
                errors.Add($"{NotificationOptions.Section}:{key}:Weekdays is empty: a Weekdays schedule needs at least one day, such as [\"Monday\", \"Thursday\"].");
            }

            if (schedule.Schedule is { } cadence && !Enum.IsDefined(cadence))
            {
                errors.Add($"{NotificationOptions.Section}:{key}:Schedule = {cadence}: expected Weekly, Weekdays or Nightly.");
            }
        }

        foreach (var code in digest.Schools.Keys.Where(code => !registry.Contains(code)))
        {
            errors.Add($"{NotificationOptions.Section}:Digest:Schools:{code}: no school with that skolenhetskod in the registry.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsAddress(string? value) => EmailAddress.IsValid(value);
}
