namespace Skolnarvaro.Notifications.Recipients;

public enum NameDisplay
{
    /// <summary>"Märta Östlund, 7B"</summary>
    Full,
    /// <summary>"Märta Ö., 7B" — the default.</summary>
    FirstNameInitialClass,
    /// <summary>"Elev i 7B (ref. 3F9A1C)": no name at all; the rector looks the pupil up in the report.</summary>
    None,
}

public sealed class RectorSettings
{
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
}

/// <summary>The part of a school's registry entry that notifications need (Skolnarvaro:Schools:n).</summary>
public sealed class SchoolRecipients
{
    public string Skolenhetskod { get; set; } = "";
    public string Name { get; set; } = "";
    public string Huvudman { get; set; } = "";
    public List<RectorSettings> Rectors { get; set; } = [];
}

/// <summary>Skolnarvaro:Notifications, plus the school registry's recipients.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Skolnarvaro:Notifications";

    public string FromAddress { get; set; } = "skolnarvaro@example.se";
    public string FromName { get; set; } = "Skolnärvaro – tidig varning";
    public NameDisplay NameDisplay { get; set; } = NameDisplay.FirstNameInitialClass;
    /// <summary>Folder with digest.html.sbn, digest.txt.sbn and digest.subject.sbn.</summary>
    public string TemplateFolder { get; set; } = "templates";
    /// <summary>Where .eml files go in dry-run mode or when no SMTP host is configured.</summary>
    public string DryRunFolder { get; set; } = "out/digests";
    /// <summary>Reporting rate (share of scheduled time with attendance registered) below which digests carry a caveat.</summary>
    public double LowReportingRate { get; set; } = 0.9;
    public SmtpSettings Smtp { get; set; } = new();
    public List<SchoolRecipients> Schools { get; set; } = [];
}

public sealed class SmtpSettings
{
    /// <summary>Empty: no SMTP, digests are written as .eml files.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public bool StartTls { get; set; } = true;
    public string? Username { get; set; }
    /// <summary>From the environment (Skolnarvaro__Notifications__Smtp__Password), never the repo.</summary>
    public string? Password { get; set; }
}
