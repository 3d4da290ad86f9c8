namespace Skolnarvaro.Worker.Nightly;

/// <summary>
/// How the worker runs the pipeline (<c>Skolnarvaro:Worker</c>): schedules, Hangfire's server and storage, retries and
/// the dashboard. Cron expressions are Hangfire's (five fields, or six with seconds first); an empty one switches the
/// recurring job off.
/// </summary>
public sealed class OrchestrationOptions
{
    public const string Section = "Skolnarvaro:Worker";

    /// <summary>The nightly run, in <see cref="TimeZone"/>.</summary>
    public string NightlyCron { get; set; } = "0 2 * * *";

    /// <summary>Delivery of mails held back by an SMTP outage (the outbox's own back-off decides what is due).</summary>
    public string DeliveryCron { get; set; } = "*/5 * * * *";

    /// <summary>Retraining of the trend model (activated only when at least as good as the active one): Sundays at 04:00.</summary>
    public string RetrainCron { get; set; } = "0 4 * * 0";

    /// <summary>The term report of the term the date falls in: by default 22 June and 22 December, after the last school days.</summary>
    public string TermReportCron { get; set; } = "0 6 22 6,12 *";

    public string TimeZone { get; set; } = "Europe/Stockholm";

    /// <summary>
    /// What happens to occurrences missed while no worker was running: <c>Relaxed</c> runs once for all of them when a
    /// worker starts (the default: a night is not skipped because the server was rebooted at 02:00), <c>Strict</c> runs
    /// each missed occurrence, <c>Ignorable</c> skips them.
    /// </summary>
    public string MisfireHandling { get; set; } = "Relaxed";

    /// <summary>Jobs one worker process runs at the same time.</summary>
    public int WorkerCount { get; set; } = 2;

    /// <summary>How often an idle worker looks for jobs.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a job whose worker stopped answering stays invisible before another worker takes it. Sliding: a live
    /// worker keeps renewing it, so long imports are not taken over, and a killed worker's job comes back after this.
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// When a Hangfire lock (a row in <c>hangfire.lock</c>) counts as left by a dead holder and is removed. Hangfire holds its
    /// locks only around state changes and scheduling, never across a job (our own serialisation uses advisory locks that die
    /// with their connection), but a worker killed, or a PostgreSQL restarted, while it held one leaves the row behind: jobs
    /// and recurring jobs behind that lock wait this long. Hangfire.PostgreSql's own default is 10 minutes.
    /// </summary>
    public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Attempts Hangfire makes at a failed job after the first, and the waits between them (seconds).</summary>
    public int RetryAttempts { get; set; } = 5;

    /// <remarks>
    /// Empty here and defaulted in <see cref="EffectiveRetryDelaysSeconds"/>: the configuration binder appends configured
    /// elements to an array it finds filled, so configured delays would otherwise come after 60, 300, … instead of replacing them.
    /// </remarks>
    public int[] RetryDelaysSeconds { get; set; } = [];

    public static IReadOnlyList<int> DefaultRetryDelaysSeconds { get; } = [60, 300, 900, 1800, 3600];

    /// <summary>The configured delays, or 60, 300, 900, 1800 and 3600 seconds when none are configured.</summary>
    public int[] EffectiveRetryDelaysSeconds => RetryDelaysSeconds.Length > 0 ? RetryDelaysSeconds : [.. DefaultRetryDelaysSeconds];

    /// <summary>A nightly run still unfinished after this long no longer blocks the next one; it is marked Abandoned.</summary>
    public TimeSpan AbandonRunAfter { get; set; } = TimeSpan.FromHours(20);

    public DashboardSettings Dashboard { get; set; } = new();
}

public sealed class DashboardSettings
{
    public bool Enabled { get; set; } = true;

    /// <summary>Where the dashboard listens: the loopback interface by default; put a reverse proxy with TLS in front to reach it from elsewhere.</summary>
    public string Url { get; set; } = "http://127.0.0.1:5080";

    /// <summary>
    /// A <see cref="Url"/> off the loopback interface (0.0.0.0, a public address) is refused unless this is true: Basic
    /// authentication sends the password with every request, so it belongs behind a TLS reverse proxy.
    /// </summary>
    public bool AllowRemote { get; set; }

    /// <summary>Basic authentication. Set both (e.g. Skolnarvaro__Worker__Dashboard__Password in the environment); without them the dashboard does not start.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }
}
