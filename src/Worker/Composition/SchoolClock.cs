using Microsoft.Extensions.Options;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// The one clock of the pipeline: the system clock, with school time (Europe/Stockholm) as its local time zone, so that
/// every stage's "today" — <c>DateOnly.FromDateTime(time.GetLocalNow().DateTime)</c> — is the school day in Sweden
/// whatever the machine's own zone.
/// </summary>
public sealed class SchoolTimeProvider : TimeProvider
{
    public static readonly TimeZoneInfo Stockholm = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public override TimeZoneInfo LocalTimeZone => Stockholm;
}

/// <summary>Skolnarvaro:Demo: the bundled sample's fixed date and public pseudonymisation key.</summary>
public sealed class DemoOptions
{
    public const string Section = "Skolnarvaro:Demo";

    public bool Enabled { get; set; }
    /// <summary>The date the sample's runs are for, so that its exports are never stale whatever today is.</summary>
    public DateOnly? AsOf { get; set; }

    /// <summary>
    /// A trend model for the sample (written by scripts/sample-model.sh from earlier generated terms): activated by the first
    /// run when the registry holds no model, so the sample shows what the model does. Relative to the checkout.
    /// </summary>
    public string? TrendModelFile { get; set; }
}

/// <summary>The school day a run or a report is for: Skolnarvaro:Demo:AsOf in demo mode, else today in school time.</summary>
public sealed class RunDates(TimeProvider time, IOptions<DemoOptions> demo)
{
    public bool Demo => demo.Value.Enabled;

    public DateOnly Today => demo.Value is { Enabled: true, AsOf: { } asOf } ? asOf : DateOnly.FromDateTime(time.GetLocalNow().DateTime);
}
