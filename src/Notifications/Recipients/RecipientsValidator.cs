using Microsoft.Extensions.Options;
using MimeKit;

namespace Skolnarvaro.Notifications.Recipients;

/// <summary>A mistyped address is caught at start, naming its key, not after a night of retries.</summary>
internal sealed class RecipientsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.Schools.Count; i++)
        {
            var school = options.Schools[i];
            for (var j = 0; j < school.Rectors.Count; j++)
            {
                if (!IsAddress(school.Rectors[j].Email))
                {
                    errors.Add($"Skolnarvaro:Schools:{i}:Rectors:{j}:Email = '{school.Rectors[j].Email}' ({school.Name}): not an e-mail address.");
                }
            }
        }

        if (!string.IsNullOrWhiteSpace(options.OpsAddress) && !IsAddress(options.OpsAddress))
        {
            errors.Add($"{NotificationOptions.Section}:OpsAddress = '{options.OpsAddress}': not an e-mail address.");
        }

        if (!IsAddress(options.FromAddress))
        {
            errors.Add($"{NotificationOptions.Section}:FromAddress = '{options.FromAddress}': not an e-mail address.");
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

        foreach (var code in digest.Schools.Keys.Where(code => options.Schools.All(s => s.Skolenhetskod != code)))
        {
            errors.Add($"{NotificationOptions.Section}:Digest:Schools:{code}: no school with that skolenhetskod in the registry.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool IsAddress(string? value) =>
        !string.IsNullOrWhiteSpace(value) && MailboxAddress.TryParse(value, out var address) && address.Address.Contains('@', StringComparison.Ordinal)
        && !address.Address.StartsWith('@') && !address.Address.EndsWith('@');
}
