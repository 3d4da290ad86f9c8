using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Delivery;

/// <summary>Checks the SMTP and retry settings at start-up, naming the key and the bad value.</summary>
internal sealed class DeliverySettingsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        const string smtp = $"{NotificationOptions.Section}:Smtp";
        const string delivery = $"{NotificationOptions.Section}:Delivery";
        var (s, d) = (options.Smtp, options.Delivery);
        var errors = new List<string>();

        if (s.Port is < 1 or > 65535)
        {
            errors.Add($"{smtp}:Port = {s.Port}: expected a port number, such as 587.");
        }

        if (!Enum.IsDefined(s.Security))
        {
            errors.Add($"{smtp}:Security = {s.Security}: expected None, StartTls, StartTlsWhenAvailable or SslOnConnect.");
        }

        if (!string.IsNullOrEmpty(s.Username) && string.IsNullOrEmpty(s.Password))
        {
            errors.Add($"{smtp}:Username = '{s.Username}' but no password: set Skolnarvaro__Notifications__Smtp__Password in the environment.");
        }

        if (s.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{smtp}:Timeout = {s.Timeout}: must be positive, such as 00:00:30.");
        }

        if (d.MaxAttempts < 1)
        {
            errors.Add($"{delivery}:MaxAttempts = {d.MaxAttempts}: must be at least 1.");
        }

        if (d.RetryBaseDelay <= TimeSpan.Zero)
        {
            errors.Add($"{delivery}:RetryBaseDelay = {d.RetryBaseDelay}: must be positive, such as 00:01:00.");
        }

        if (d.RetryMaxDelay < d.RetryBaseDelay)
        {
            errors.Add($"{delivery}:RetryMaxDelay = {d.RetryMaxDelay}: must be at least RetryBaseDelay ({d.RetryBaseDelay}).");
        }

        if (d.AttemptTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{delivery}:AttemptTimeout = {d.AttemptTimeout}: must be positive, such as 00:02:00.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
