using Skolnarvaro.Templating;

namespace Skolnarvaro.Notifications.Recipients;

public enum NameDisplay
{
    /// <summary>"Märta Östlund, 7B"</summary>
    Full,
    /// <summary>"Märta Ö., 7B" — the default.</summary>
    FirstNameInitialClass,
    /// <summary>"Elev i 7B (ref. 3F9A1C)": no name at all; the rektor looks the pupil up in the report.</summary>
    None,
}

/// <summary>Skolnarvaro:Notifications: sender, templates, digests and delivery (the recipients are the school registry's).</summary>
public sealed class NotificationOptions
{
    public const string Section = "Skolnarvaro:Notifications";

    public string FromAddress { get; set; } = "skolnarvaro@example.se";
    public string FromName { get; set; } = "Skolnärvaro – tidig varning";
    public NameDisplay NameDisplay { get; set; } = NameDisplay.FirstNameInitialClass;
    /// <summary>The analysts' address for the run report (stale and rejected exports, failed schools); empty: none is sent.</summary>
    public string? OpsAddress { get; set; }
    /// <summary>Folder with digest.html.sbn, digest.txt.sbn and digest.subject.sbn (and the other stages' templates beside them).</summary>
    public string TemplateFolder { get; set; } = TemplateFolders.Default;
    /// <summary>Where .eml files go in dry-run mode or when no SMTP host is configured.</summary>
    public string DryRunFolder { get; set; } = "out/digests";
    /// <summary>Reporting rate (share of scheduled time with attendance registered) below which digests carry a caveat.</summary>
    public double LowReportingRate { get; set; } = 0.9;
    /// <summary>
    /// A pupil still at the same level is reminded in the digest at most this often. The analysis decides who is worth
    /// mentioning again (<c>SchoolFlags</c>); the nightly run hands it this number.
    /// </summary>
    public int ReminderCooldownDays { get; set; } = 14;
    /// <summary>Cadence, length and urgency of the digests.</summary>
    public Digests.DigestSettings Digest { get; set; } = new();
    public SmtpSettings Smtp { get; set; } = new();
    public DeliverySettings Delivery { get; set; } = new();
}

/// <summary>How the connection to the SMTP server is protected (Skolnarvaro:Notifications:Smtp:Security).</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text: only for a relay on the same machine or a test server.</summary>
    None,
    /// <summary>The default: upgrade with STARTTLS, and refuse to send when the server does not offer it.</summary>
    StartTls,
    /// <summary>STARTTLS when the server offers it, else plain text.</summary>
    StartTlsWhenAvailable,
    /// <summary>TLS from the first byte (usually port 465).</summary>
    SslOnConnect,
}

/// <summary>Skolnarvaro:Notifications:Smtp.</summary>
public sealed class SmtpSettings
{
    /// <summary>Empty: no SMTP, digests are written as .eml files.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    /// <summary>Empty: no SMTP AUTH.</summary>
    public string? Username { get; set; }
    /// <summary>From the environment (Skolnarvaro__Notifications__Smtp__Password), never the repo.</summary>
    public string? Password { get; set; }
    /// <summary>How long one network step (connect, a command, the message data) may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Skolnarvaro:Notifications:Delivery: retries of the outbox, whatever the transport.</summary>
public sealed class DeliverySettings
{
    /// <summary>Attempts per message, the first included; after the last one fails the message is given up (kept, not retried).</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>Wait after the first failure; doubled after each further one, up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);
    /// <summary>How long one attempt (connect, authenticate, send) may take before it is abandoned and counted as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a claimed message stays reserved for its sender. Twice the attempt timeout, so that an attempt and
    /// its outcome mark are over before another sender may take the message (their clocks must agree to well within that).
    /// </summary>
    public TimeSpan Lease => AttemptTimeout * 2;

    /// <summary>The wait before the next attempt after <paramref name="failedAttempts"/> failures: base × 2^(n−1), at most the maximum.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var factor = Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 30));
        return TimeSpan.FromTicks((long)Math.Min(RetryMaxDelay.Ticks, RetryBaseDelay.Ticks * factor));
    }
}
