using System.ComponentModel;
using Cronos;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// The Hangfire jobs of a nightly run: <see cref="StartAsync"/> (the recurring job) records the run and fans out one
/// <see cref="ImportSchoolAsync"/> per school; the school whose job finds every school finished or failed enqueues
/// <see cref="FinishRunAsync"/> (the fan-in). Any of them may be retried, run twice or run on another worker: the steps
/// of <see cref="NightlyRun"/> find out from the database what is already done.
/// </summary>
public sealed class NightlyJobs(
    NightlyRun nightly, IBackgroundJobClient jobs, RunDates dates, TimeProvider time, IOptions<OrchestrationOptions> options, ILogger<NightlyJobs> logger)
{
    /// <summary>
    /// The recurring nightly job, for the night it was scheduled for: a night missed while no worker ran and made up at
    /// 01:58 is yesterday's, not a second run of tonight's. One run per night: a retry, or a second trigger of the same
    /// night, finds the run recorded for it and fans out what is left.
    /// </summary>
    [DisplayName("Nightly run")]
    public async Task StartAsync(PerformContext? context, CancellationToken ct)
    {
        var night = Night();
        // Demo mode runs every night as of the sample's one date: there, each trigger is a run of its own.
        var trigger = dates.Demo ? $"hangfire:{context?.BackgroundJob.Id ?? Guid.NewGuid().ToString("N")}" : $"hangfire:night:{night:yyyy-MM-dd}";
        long runId;
        try
        {
            runId = await nightly.BeginAsync(night, dryRun: false, trigger, ct, sendNow: dates.Demo);
        }
        catch (RunInProgressException e)
        {
            // Not an error to retry: tonight's trigger is skipped, the run in progress goes on.
            logger.LogWarning("Nightly trigger skipped: {Reason}", e.Message);
            return;
        }

        await FanOutAsync(nightly, jobs, runId, ct);
    }

    /// <summary>
    /// The night a nightly job is for: the school date of the latest occurrence of the nightly schedule up to now (Hangfire
    /// tells a job when it was triggered, not which occurrence it makes up).
    /// </summary>
    private DateOnly Night()
    {
        var o = options.Value;
        if (dates.Demo || string.IsNullOrWhiteSpace(o.NightlyCron))
        {
            return dates.Today;
        }

        var format = o.NightlyCron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        var now = time.GetUtcNow().UtcDateTime;
        var latest = CronExpression.Parse(o.NightlyCron, format)
            .GetOccurrences(now.AddDays(-8), now, TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone), fromInclusive: true, toInclusive: true)
            .LastOrDefault();
        return latest == default ? dates.Today : time.SchoolDate(new DateTimeOffset(latest, TimeSpan.Zero));
    }

    /// <summary>Enqueues an import job for every school of the run not imported yet.</summary>
    public static async Task<int> FanOutAsync(NightlyRun nightly, IBackgroundJobClient jobs, long runId, CancellationToken ct)
    {
        var schools = await nightly.SchoolsToImportAsync(runId, ct);
        foreach (var school in schools)
        {
            jobs.Enqueue<NightlyJobs>(j => j.ImportSchoolAsync(runId, school, CancellationToken.None));
        }

        return schools.Count;
    }

    /// <summary>One school's import. A failure is recorded for the run and rethrown, so Hangfire retries the school.</summary>
    [DisplayName("Run {0}: import school {1}")]
    public async Task ImportSchoolAsync(long runId, string skolenhetskod, CancellationToken ct)
    {
        var step = await nightly.ImportSchoolAsync(runId, skolenhetskod, ct);
        if (step.ReadyToFinish)
        {
            jobs.Enqueue<NightlyJobs>(j => j.FinishRunAsync(runId, CancellationToken.None));
        }

        if (step.Failure is { } failure)
        {
            throw new SchoolImportFailedException(runId, skolenhetskod, failure);
        }
    }

    /// <summary>The fan-in: analysis, flags, digests, the run report and sending.</summary>
    [DisplayName("Run {0}: analyse, alert and send")]
    public async Task FinishRunAsync(long runId, CancellationToken ct)
    {
        var summary = await nightly.FinishAsync(runId, ct);
        var unanalysed = summary.Schools.Where(s => s.Status == SchoolRunStatus.Imported && !s.Analyzed).Select(s => s.Skolenhetskod).ToList();
        if (unanalysed.Count > 0)
        {
            // Retried by Hangfire; the schools already analysed are not analysed or sent again.
            throw new InvalidOperationException($"Run {runId}: analysis failed for {string.Join(", ", unanalysed)}; see run_school.error.");
        }
    }

    /// <summary>
    /// Delivers mails that are due: those held back by an SMTP outage or a crash, once their back-off has passed. Two of
    /// these may run at once (on two workers): the outbox's claims keep them off each other's messages. No Hangfire lock
    /// on purpose: the lock of a killed worker would hold every later delivery job, and the worker's slots, for minutes.
    /// </summary>
    [DisplayName("Deliver due mails")]
    public Task DeliverAsync(CancellationToken ct) => nightly.DeliverDueAsync(ct);
}

public sealed class SchoolImportFailedException(long runId, string school, Exception inner)
    : Exception($"Run {runId}: school {school} failed: {inner.Message}", inner);
