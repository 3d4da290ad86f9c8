using System.Globalization;
using System.Net;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Microsoft.Extensions.Options;
using Skolnarvaro.Worker.Nightly;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// Checks <c>Skolnarvaro:Worker</c> at start, so that a bad value stops the start with the key and the value named
/// (exit code 2) instead of failing inside Hangfire with a stack trace.
/// </summary>
public sealed class OrchestrationOptionsValidator : IValidateOptions<OrchestrationOptions>
{
    private const string S = OrchestrationOptions.Section;

    /// <summary>For code that binds the options itself (the worker command, before its host exists).</summary>
    public static void ThrowIfInvalid(OrchestrationOptions options)
    {
        var result = new OrchestrationOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(S, typeof(OrchestrationOptions), result.Failures);
        }
    }

    public ValidateOptionsResult Validate(string? name, OrchestrationOptions o)
    {
        var errors = new List<string>();
        var zone = TimeZone(o, errors);
        if (!Enum.TryParse<MisfireHandlingMode>(o.MisfireHandling, ignoreCase: true, out var misfire) || !Enum.IsDefined(misfire)
            || int.TryParse(o.MisfireHandling, CultureInfo.InvariantCulture, out _))
        {
            errors.Add($"{S}:MisfireHandling = '{o.MisfireHandling}': expected Relaxed, Strict or Ignorable.");
        }

        Cron(nameof(o.NightlyCron), o.NightlyCron, zone, errors);
        Cron(nameof(o.DeliveryCron), o.DeliveryCron, zone, errors);
        Cron(nameof(o.RetrainCron), o.RetrainCron, zone, errors);
        Cron(nameof(o.TermReportCron), o.TermReportCron, zone, errors);

        if (o.WorkerCount < 1)
        {
            errors.Add($"{S}:WorkerCount = {o.WorkerCount}: a worker runs at least 1 job at a time (2–4 is usual).");
        }

        Positive(nameof(o.QueuePollInterval), o.QueuePollInterval, errors);
        Positive(nameof(o.InvisibilityTimeout), o.InvisibilityTimeout, errors);
        Positive(nameof(o.DistributedLockTimeout), o.DistributedLockTimeout, errors);
        Positive(nameof(o.AbandonRunAfter), o.AbandonRunAfter, errors);
        if (o.RetryAttempts < 0)
        {
            errors.Add($"{S}:RetryAttempts = {o.RetryAttempts}: must be 0 (no retries) or more.");
        }

        for (var i = 0; i < o.RetryDelaysSeconds.Length; i++)
        {
            if (o.RetryDelaysSeconds[i] < 0)
            {
                errors.Add($"{S}:RetryDelaysSeconds:{i} = {o.RetryDelaysSeconds[i]}: a delay is 0 seconds or more.");
            }
        }

        Dashboard(o.Dashboard, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Whether the dashboard's address is on the loopback interface (127.0.0.0/8, ::1 or localhost).</summary>
    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static TimeZoneInfo? TimeZone(OrchestrationOptions o, List<string> errors)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            errors.Add($"{S}:TimeZone = '{o.TimeZone}': not a time zone; expected e.g. Europe/Stockholm.");
            return null;
        }
    }

    private static void Positive(string key, TimeSpan value, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{S}:{key} = {value}: must be longer than zero (hh:mm:ss).");
        }
    }

    private static void Dashboard(DashboardSettings d, List<string> errors)
    {
        if (!d.Enabled)
        {
            return;
        }

        if (!Uri.TryCreate(d.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.AbsolutePath != "/")
        {
            errors.Add($"{S}:Dashboard:Url = '{d.Url}': expected an address to listen on such as http://127.0.0.1:5080.");
            return;
        }

        if (!IsLoopback(url) && !d.AllowRemote)
        {
            errors.Add(
                $"{S}:Dashboard:Url = '{d.Url}': not the loopback interface. The dashboard's Basic authentication sends the password with " +
                $"every request: keep it on 127.0.0.1 behind a TLS reverse proxy, or set {S}:Dashboard:AllowRemote = true to listen there anyway.");
        }
    }

    /// <summary>Asks Hangfire's own parser, so that what passes here is what the recurring job manager accepts.</summary>
    private static void Cron(string key, string cron, TimeZoneInfo? zone, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(cron))
        {
            return; // an empty expression switches the job off
        }

        try
        {
            // AddOrUpdate parses the expression before it opens a storage connection; this storage has none to give.
            new RecurringJobManager(new NoStorage()).AddOrUpdate(
                "cron-check", Job.FromExpression(() => Console.Out.Flush()), cron, new RecurringJobOptions { TimeZone = zone ?? TimeZoneInfo.Utc });
        }
        catch (ParsedWithoutStorage)
        {
            // The expression was accepted.
        }
        catch (ArgumentException e)
        {
            errors.Add($"{S}:{key} = '{cron}': not a cron expression ({e.Message.Split('\n')[0].Trim()}); expected e.g. '0 2 * * *' (five fields, or six with seconds first).");
        }
    }

    private sealed class ParsedWithoutStorage : Exception;

    private sealed class NoStorage : JobStorage
    {
        public override IMonitoringApi GetMonitoringApi() => throw new ParsedWithoutStorage();

        public override IStorageConnection GetConnection() => throw new ParsedWithoutStorage();
    }
}
