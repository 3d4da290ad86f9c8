using System.Diagnostics;
using System.Globalization;

namespace Skolnarvaro.Worker.Tests.Production;

/// <summary>
/// The product as a municipality runs it, at a chosen moment: demo mode off, a real pseudonymisation key, the weekly
/// cadence on Monday at 07:00, the production schedules, and the process's clock set by libfaketime (Debian's
/// <c>faketime</c> package, installed by scripts/test.sh). The clock starts at the given instant and then runs at its
/// normal rate; the database keeps real time, which Hangfire only compares with itself.
/// </summary>
internal static class ProductionClock
{
    public const string Key = "production-lane-key-0123456789abcdef0123456789";

    private static readonly Lazy<string> LibraryPath = new(() =>
        new[] { "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1", "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1" }
            .FirstOrDefault(File.Exists)
        ?? Directory.EnumerateFiles("/usr/lib", "libfaketime.so.1", SearchOption.AllDirectories).FirstOrDefault()
        ?? throw new InvalidOperationException("libfaketime is missing: apt-get install faketime (scripts/test.sh does)."));

    /// <summary>Settings of a production worker or command whose clock starts at <paramref name="startsAt"/>.</summary>
    public static Dictionary<string, string> At(DateTimeOffset startsAt, IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["LD_PRELOAD"] = LibraryPath.Value,
            // "@" starts the clock at that moment and lets it tick; TZ says how libfaketime reads the moment.
            ["FAKETIME"] = "@" + startsAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            ["TZ"] = "UTC",
            ["Skolnarvaro__Demo__Enabled"] = "false",
            ["Skolnarvaro__Pseudonymisation__Key"] = Key,
            ["Skolnarvaro__Notifications__Digest__Schedule"] = "Weekly",
            ["Skolnarvaro__Notifications__Digest__Weekday"] = "Monday",
            ["Skolnarvaro__Notifications__Digest__Time"] = "07:00",
            ["Skolnarvaro__Worker__NightlyCron"] = "0 2 * * *",
            ["Skolnarvaro__Worker__DeliveryCron"] = "*/5 * * * *",
            ["Skolnarvaro__Worker__TimeZone"] = "Europe/Stockholm",
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// Starts a production worker whose clock starts at <paramref name="startsAt"/>, on a database where a worker already
    /// ran earlier that evening, as the deployed one has: it registered the night's schedules. A worker started just
    /// before 02:00 on a fresh database registers them only once it is up, and on a loaded machine that can be after
    /// 02:00, when its first night is tomorrow's. The evening's worker stops as systemd stops it, releasing its locks.
    /// </summary>
    public static async Task<WorkerProcess> StartAfterAnEveningAsync(DateTimeOffset startsAt, Func<Dictionary<string, string>, WorkerProcess> start)
    {
        using (var evening = start(At(startsAt.AddMinutes(-7))))
        {
            await evening.WaitUntilSchedulesRegisteredAsync(TimeSpan.FromMinutes(3));
            evening.Terminate();
            await evening.WaitForExitAsync(TimeSpan.FromMinutes(1));
        }

        return start(At(startsAt));
    }

    /// <summary>A moment in school time (Europe/Stockholm) as an instant.</summary>
    public static DateTimeOffset Stockholm(string localDateTime)
    {
        var local = DateTime.Parse(localDateTime, CultureInfo.InvariantCulture);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    /// <summary>Runs the command line to its end with the given settings and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunCliAsync(ProcessStartInfo start, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
