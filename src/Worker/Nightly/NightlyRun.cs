using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Runs;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Ops;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Worker.Nightly;

public sealed record NightlyRunSummary(
    long RunId, DateOnly AsOf, string Status, IReadOnlyList<SchoolOutcome> Schools, DeliveryResult Delivery, string Transport, string TrendModel)
{
    public long RowsImported => Schools.Sum(s => s.Imports.Sum(i => i.RowsImported));
    public long RowsQuarantined => Schools.Sum(s => s.Imports.Sum(i => i.RowsQuarantined));
    public int FilesImported => Schools.Sum(s => s.Imports.Count(i => i.Status == ImportStatus.Imported));
    public int FilesRejected => Schools.Sum(s => s.Imports.Count(i => i.Status == ImportStatus.Rejected));
    public int High => Schools.Sum(s => s.High);
    public int AtRisk => Schools.Sum(s => s.AtRisk);
    public int Trend => Schools.Sum(s => s.Trend);
    public int Digests => Schools.Count(s => s.DigestQueued);
    public bool Succeeded => Status == "Succeeded";
}

public enum SchoolStepResult { Imported, Failed, AlreadyDone, BusyElsewhere }

/// <param name="ReadyToFinish">Every school of the run has finished or failed (or the run is already finished and this
/// school came late): time to fan in.</param>
/// <param name="Failure">Why the import failed; a Hangfire job rethrows it so that Hangfire retries the school.</param>
public sealed record SchoolStep(SchoolStepResult Result, bool ReadyToFinish, Exception? Failure = null);

/// <summary>A nightly run is already in progress; a second one is not started.</summary>
public sealed class RunInProgressException(long runId, DateTimeOffset startedAt)
    : Exception($"Nightly run #{runId} (started {startedAt:yyyy-MM-dd HH:mm} UTC) is still in progress; only one nightly run at a time. " +
                "See `skolnarvaro status`.")
{
    public long RunId { get; } = runId;
}

/// <summary>
/// The nightly job in three steps that the Hangfire jobs run one by one, possibly on different workers, and the command
/// line runs in a row (<see cref="RunAsync"/>):
/// <list type="number">
/// <item><see cref="BeginAsync"/> records the run and one row per school (one nightly run at a time);</item>
/// <item><see cref="ImportSchoolAsync"/> imports one school's inbox and its data quality (fan-out);</item>
/// <item><see cref="FinishAsync"/>, once every school has finished or failed, recomputes figures and levels, records flags
/// and the digests that report them in one transaction per school, queues the analysts' run report and delivers
/// (fan-in).</item>
/// </list>
/// Every step can be retried or run twice: imports are content-hashed, each school is analysed once per run
/// (<c>run_school.analyzed_at</c>, set in the flags' transaction), digests are keyed by school and run, and a pupil already
/// reported is not reported again. A school that failed and succeeds on a later retry is analysed and sent on its own.
/// </summary>
public sealed class NightlyRun(
    NpgsqlDataSource db,
    IOptions<IngestionOptions> ingestion,
    IOptions<ThresholdOptions> thresholds,
    IOptions<NotificationOptions> notifications,
    IOptions<OrchestrationOptions> orchestration,
    SchoolRegistryStore schools,
    InboxImporter inbox,
    DataQualityStore quality,
    TrendScoring trend,
    FlagStore flags,
    LevelHistoryStore history,
    RunStore runs,
    RunSchoolStore runSchools,
    DigestRenderer renderer,
    OpsDigestRenderer opsRenderer,
    OutboxStore outbox,
    OutboxSender sender,
    TimeProvider time,
    ILogger<NightlyRun> logger)
{
    /// <summary>The whole nightly job, now, in this process: what <c>skolnarvaro run-once</c> does.</summary>
    public async Task<NightlyRunSummary> RunAsync(DateOnly asOf, bool dryRun, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        // The run belongs to this process: its session lock tells a later run that a killed run-once is not in progress.
        var runId = await BeginAsync(asOf, dryRun, $"cli:{Guid.NewGuid():N}", ct);
        await using var owner = await SessionLock.TakeAsync(db, OwnerLock(runId), ct);
        foreach (var school in ingestion.Value.Schools)
        {
            progress?.Report($"{school.Name}: importing");
            await ImportSchoolAsync(runId, school.Skolenhetskod, ct);
        }

        progress?.Report("Analysing, recording flags and digests, delivering");
        return await FinishAsync(runId, ct);
    }

    /// <summary>
    /// Records a nightly run and its schools. The same <paramref name="triggerKey"/> (a retried Hangfire job) returns the run
    /// it recorded before. Throws <see cref="RunInProgressException"/> while another nightly run is in progress; a run whose
    /// command-line process is gone, or that has run longer than <c>Worker:AbandonRunAfter</c>, is marked Abandoned.
    /// </summary>
    public async Task<long> BeginAsync(DateOnly asOf, bool dryRun, string triggerKey, CancellationToken ct = default)
    {
        var schoolList = ingestion.Value.Schools;
        await schools.SyncAsync(schoolList, ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('nightly-begin', 0))", conn))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var open = new List<(long Id, string? Trigger, DateTimeOffset Started)>();
        await using (var cmd = new NpgsqlCommand(
            "select id, trigger_key, started_at from run where kind = 'nightly' and (status = 'Running' or trigger_key = @key) order by id", conn))
        {
            cmd.Parameters.AddWithValue("key", triggerKey);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                open.Add((r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        if (open.FirstOrDefault(o => o.Trigger == triggerKey) is { Id: > 0 } same)
        {
            await tx.CommitAsync(ct);
            return same.Id;
        }

        foreach (var (id, trigger, started) in open)
        {
            var ownerGone = trigger?.StartsWith("cli:", StringComparison.Ordinal) == true && await OwnerGoneAsync(id, ct);
            if (!ownerGone && time.GetUtcNow() - started < orchestration.Value.AbandonRunAfter)
            {
                throw new RunInProgressException(id, started);
            }

            logger.LogWarning("Nightly run {RunId} started {Started} never finished; marked Abandoned", id, started);
            await using var cmd = new NpgsqlCommand("update run set status = 'Abandoned', finished_at = @now where id = @id", conn);
            cmd.Parameters.AddWithValue("now", time.GetUtcNow());
            cmd.Parameters.AddWithValue("id", id);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        var runId = await runs.StartAsync(conn, "nightly", asOf, EffectiveConfigurationJson(), triggerKey, dryRun, ct);
        await RunSchoolStore.CreateAsync(conn, runId, schoolList.Select(s => s.Skolenhetskod), ct);
        await tx.CommitAsync(ct);
        logger.LogInformation("Nightly run {RunId} as of {AsOf} for {Schools} schools ({Trigger})", runId, asOf, schoolList.Count, triggerKey);
        return runId;
    }

    /// <summary>Schools of the run still to import: what the fan-out enqueues.</summary>
    public Task<IReadOnlyList<string>> SchoolsToImportAsync(long runId, CancellationToken ct = default) => runSchools.NotImportedAsync(runId, ct);

    /// <summary>
    /// Imports one school's inbox for the run and records the outcome. A failure is recorded and returned, not thrown, so
    /// the run goes on with the other schools. Done already, or being done by another worker: nothing happens.
    /// </summary>
    public async Task<SchoolStep> ImportSchoolAsync(long runId, string skolenhetskod, CancellationToken ct = default)
    {
        await using var schoolLock = await SessionLock.TryTakeAsync(db, $"run-school:{runId}:{skolenhetskod}", ct);
        if (schoolLock is null)
        {
            logger.LogInformation("School {School} of run {RunId} is being imported by another worker", skolenhetskod, runId);
            return new SchoolStep(SchoolStepResult.BusyElsewhere, false);
        }

        var run = await ReadRunAsync(runId, ct);
        var status = await runSchools.StatusAsync(runId, skolenhetskod, ct);
        if (run.Status == "Abandoned" || status is null or SchoolRunStatus.Imported)
        {
            return new SchoolStep(SchoolStepResult.AlreadyDone, await ReadyToFinishAsync(runId, run.Status, ct));
        }

        var took = System.Diagnostics.Stopwatch.StartNew();
        await runSchools.StartAttemptAsync(runId, skolenhetskod, ct);
        Exception? failure = null;
        try
        {
            var school = ingestion.Value.Schools.FirstOrDefault(s => s.Skolenhetskod == skolenhetskod)
                ?? throw new InvalidOperationException($"School {skolenhetskod} is no longer in the school registry.");
            var imports = await inbox.ImportInboxAsync(school, ct, runId);
            var recentWindow = thresholds.Value.For(skolenhetskod, school.Driftsform.ToString()).RecentWindowDays;
            var dq = await quality.ForSchoolAsync(skolenhetskod, run.AsOf, ingestion.Value.StaleAfterSchoolDays, recentWindow, ct);
            await runSchools.RecordImportedAsync(runId, skolenhetskod, imports, dq, took.Elapsed, ct);
            logger.LogInformation("School {School} of run {RunId} imported in {Ms} ms: {Files} files", skolenhetskod, runId,
                took.ElapsedMilliseconds, imports.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One school's failure must not hold back the digests of the others; it is recorded, reported and retried.
            logger.LogError(e, "School {School} failed in run {RunId}", skolenhetskod, runId);
            await runSchools.RecordFailedAsync(runId, skolenhetskod, e.Message, took.Elapsed, ct);
            failure = e;
        }

        return new SchoolStep(failure is null ? SchoolStepResult.Imported : SchoolStepResult.Failed,
            await ReadyToFinishAsync(runId, run.Status, ct), failure);
    }

    /// <summary>
    /// The fan-in: analyses every imported school not analysed yet, queues the run report (once), delivers what is due and
    /// records the run's outcome. Does nothing but report while schools are still pending. Serialised per run.
    /// </summary>
    public async Task<NightlyRunSummary> FinishAsync(long runId, CancellationToken ct = default)
    {
        await using var runLock = await SessionLock.TakeAsync(db, $"run-finish:{runId}", ct);
        var run = await ReadRunAsync(runId, ct);
        if (run.Status == "Abandoned" || await runSchools.UnfinishedAsync(runId, ct) > 0)
        {
            return new NightlyRunSummary(runId, run.AsOf, run.Status, await OutcomesAsync(runId, ct), new DeliveryResult(0, 0), "", "");
        }

        var model = await trend.StatusAsync(ct);
        foreach (var code in await runSchools.ToAnalyzeAsync(runId, ct))
        {
            try
            {
                await AnalyzeSchoolAsync(runId, code, run.AsOf, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException and not NpgsqlException)
            {
                logger.LogError(e, "Analysis of school {School} failed in run {RunId}", code, runId);
                await runSchools.RecordAnalysisFailedAsync(runId, code, e.Message, ct);
            }
        }

        var outcomes = await OutcomesAsync(runId, ct);
        if (run.Status == "Running")
        {
            await EnqueueOpsReportAsync(runId, run.AsOf, outcomes, model.OpsNote, ct);
        }

        await using var transport = Transport(run.DryRun);
        var delivery = await sender.DeliverDueAsync(transport, ct);

        var succeeded = outcomes.All(o => o.Status == SchoolRunStatus.Imported && o.Analyzed);
        var summary = new NightlyRunSummary(runId, run.AsOf, succeeded ? "Succeeded" : "Failed", outcomes, delivery, transport.Describe(), model.Summary);
        await runs.FinishAsync(runId, summary.Status, JsonSerializer.Serialize(new
        {
            schools = outcomes.Select(o => new
            {
                o.Skolenhetskod, status = o.Status.ToString(), o.Attempts, o.Worker, files = o.Imports.Count, o.FilesSeen,
                rows = o.Imports.Sum(i => i.RowsImported), quarantined = o.Imports.Sum(i => i.RowsQuarantined),
                rejected = o.Imports.Count(i => i.Status == ImportStatus.Rejected), importMs = o.ImportTime?.TotalMilliseconds,
                analysisMs = o.AnalysisTime?.TotalMilliseconds, o.High, o.AtRisk, o.Trend, o.NewOrEscalated, o.Reminded, o.DigestQueued,
                stale = o.Quality?.IsStale, reportingRate = o.Quality?.ReportingRate, o.Error,
            }),
            trendModel = model.Summary,
            digestsSent = delivery.Sent,
            digestsFailed = delivery.Failed,
            digestsGivenUp = delivery.GaveUp,
        }), ct);
        logger.LogInformation("Nightly run {RunId} {Status}: {High} high, {AtRisk} at risk, {Digests} digests, {Sent} delivered",
            runId, summary.Status, summary.High, summary.AtRisk, summary.Digests, delivery.Sent);
        return summary;
    }

    /// <summary>Delivers whatever in the outbox is due (the recurring delivery job: mails held back by an SMTP outage).</summary>
    public async Task<DeliveryResult> DeliverDueAsync(CancellationToken ct = default)
    {
        await using var transport = Transport(dryRun: false);
        return await sender.DeliverDueAsync(transport, ct);
    }

    /// <summary>SMTP when a host is configured, else (and in a dry run) .eml files in the dry-run folder.</summary>
    private IMailTransport Transport(bool dryRun) => dryRun || string.IsNullOrWhiteSpace(notifications.Value.Smtp.Host)
        ? new EmlFolderTransport(notifications.Value.DryRunFolder)
        : new SmtpTransport(notifications.Value.Smtp);

    private async Task AnalyzeSchoolAsync(long runId, string code, DateOnly asOf, CancellationToken ct)
    {
        var took = System.Diagnostics.Stopwatch.StartNew();
        var school = ingestion.Value.Schools.First(s => s.Skolenhetskod == code);
        // One pass over the school's facts: the rules' levels and, with a qualifying model, every pupil's features and probability;
        // pupils not at a level whose probability reaches the model's cut-off join as Trend (none without a model).
        var (assessment, scored) = await trend.AssessAndScoreSchoolAsync(code, asOf, ct);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await RunSchoolStore.BeginAnalysisAsync(conn, runId, code, ct) is not { } dq)
        {
            return; // analysed by an earlier attempt
        }

        var recorded = await flags.RecordAsync(conn, runId, scored.MergeInto(assessment), ct);
        // News is a pupil new at a level or escalated; a pupil still at a level comes back only once the cool-down has
        // passed since the rektor last heard about them, so a digest never repeats itself night after night.
        var cooldown = notifications.Value.ReminderCooldownDays;
        var news = recorded.Where(r => r.Change is LevelChange.New or LevelChange.Escalated).ToList();
        var reminders = recorded
            .Where(r => r.Change == LevelChange.Still && (r.LastReportedOn is not { } last || asOf.DayNumber - last.DayNumber >= cooldown))
            .ToList();
        var reported = news.Concat(reminders).ToList();
        var queued = false;
        if (reported.Count > 0)
        {
            var recipients = notifications.Value.Schools.FirstOrDefault(s => s.Skolenhetskod == code)
                ?? new SchoolRecipients { Skolenhetskod = code, Name = school.Name, Huvudman = school.Huvudman };
            if (recipients.Rectors.Count == 0)
            {
                logger.LogWarning("School {School} has flagged pupils but no rector e-mail in the registry; no digest recorded", code);
            }
            else
            {
                var pupils = await PupilDirectory.ReadAsync(conn, code, reported, ct);
                var model = DigestBuilder.Build(recipients, asOf, pupils, Caveats(dq, asOf), notifications.Value.NameDisplay);
                var digest = renderer.Render(model);
                var key = $"digest-{code}-run{runId}";
                var mime = DigestMail.Compose(notifications.Value.FromName, notifications.Value.FromAddress,
                    recipients.Rectors.Select(r => (r.Name, r.Email)), digest, key, time.GetUtcNow());
                queued = await outbox.EnqueueAsync(conn, key, runId, code, recipients.Rectors.Select(r => r.Email).ToList(), digest.Subject, mime, ct);
                // The digest of this run exists now (or from an earlier attempt at it): these pupils have been reported.
                await history.MarkReportedAsync(conn, code, reported.Select(n => n.PupilKey), asOf, ct);
            }
        }

        await runSchools.RecordAnalysisAsync(conn, runId, code, new SchoolAnalysis(
            recorded.Count(r => r.Level == Level.High), recorded.Count(r => r.Level == Level.AtRisk), recorded.Count(r => r.Level == Level.Trend),
            news.Count, reminders.Count, queued), took.Elapsed, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The run's schools in the order of the school registry (schools no longer in it last).</summary>
    private async Task<IReadOnlyList<SchoolOutcome>> OutcomesAsync(long runId, CancellationToken ct)
    {
        var order = ingestion.Value.Schools.Select((s, i) => (s.Skolenhetskod, i)).ToDictionary(x => x.Skolenhetskod, x => x.i);
        return (await runSchools.ReadAsync(runId, ct)).OrderBy(o => order.GetValueOrDefault(o.Skolenhetskod, int.MaxValue)).ToList();
    }

    private async Task<bool> ReadyToFinishAsync(long runId, string runStatus, CancellationToken ct) =>
        runStatus is "Succeeded" or "Failed" || await runSchools.UnfinishedAsync(runId, ct) == 0;

    private static string OwnerLock(long runId) => $"run-owner:{runId}";

    /// <summary>True when no process holds the owner lock of a command-line run: it was killed or stopped.</summary>
    private async Task<bool> OwnerGoneAsync(long runId, CancellationToken ct)
    {
        await using var probe = await SessionLock.TryTakeAsync(db, OwnerLock(runId), ct);
        return probe is not null;
    }

    private sealed record RunRow(DateOnly AsOf, string Status, bool DryRun);

    private async Task<RunRow> ReadRunAsync(long runId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select as_of, status, dry_run from run where id = @id");
        cmd.Parameters.AddWithValue("id", runId);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            throw new InvalidOperationException($"No run with id {runId}.");
        }

        return new RunRow(r.GetFieldValue<DateOnly>(0), r.GetString(1), r.GetBoolean(2));
    }

    /// <summary>The analysts' run report (Skolnarvaro:Notifications:OpsAddress), recorded once per run like a digest.</summary>
    private async Task EnqueueOpsReportAsync(long runId, DateOnly asOf, IReadOnlyList<SchoolOutcome> outcomes, string modelNote, CancellationToken ct)
    {
        var address = notifications.Value.OpsAddress;
        if (string.IsNullOrWhiteSpace(address))
        {
            return;
        }

        var model = new OpsDigestModel(runId, DigestBuilder.Date(asOf), modelNote,
            outcomes.Select(o => new OpsSchool(
                o.Skolenhetskod, o.Name, o.Driftsform == Driftsform.Independent ? "fristående" : "kommunal",
                o.Imports.Count(i => i.Status == ImportStatus.Imported), o.Imports.Count(i => i.Status == ImportStatus.Rejected),
                o.Imports.Sum(i => i.RowsImported), o.Imports.Sum(i => i.RowsQuarantined),
                o.Quality?.LastExportDate is { } last ? DigestBuilder.Date(last) : null, o.Quality?.IsStale ?? false,
                o.Quality?.ReportingRate is { } rate ? RuleEvaluator.Percent(rate) : null,
                o.High, o.AtRisk, o.Trend, o.DigestQueued, o.Error,
                o.Imports.Where(i => i.Status == ImportStatus.Rejected).Select(i => i.Message).ToList())).ToList());
        var (subject, text) = opsRenderer.Render(model);
        var key = $"ops-run{runId}";
        var mime = DigestMail.ComposeText(notifications.Value.FromName, notifications.Value.FromAddress, address, subject, text, key, time.GetUtcNow());
        await using var conn = await db.OpenConnectionAsync(ct);
        await outbox.EnqueueAsync(conn, key, runId, null, [address], subject, mime, ct);
    }

    /// <summary>What a rector must know about the data behind the digest, in Swedish.</summary>
    private List<string> Caveats(SchoolDataQuality dq, DateOnly asOf)
    {
        var caveats = new List<string>();
        if (dq.LastExportDate is null)
        {
            caveats.Add("Ingen närvaroexport har tagits emot från skolan; listan bygger inte på aktuella uppgifter.");
        }
        else if (dq.IsStale)
        {
            caveats.Add($"Senaste närvaroexporten gäller till och med {DigestBuilder.Date(dq.LastExportDate.Value)} " +
                        $"({dq.SchoolDaysSinceLastExport} skoldagar före {DigestBuilder.Date(asOf)}). Frånvaro efter det datumet syns inte här.");
        }

        if (dq.ReportingRate is { } rate && rate < notifications.Value.LowReportingRate)
        {
            caveats.Add($"Närvaron är registrerad för {RuleEvaluator.Percent(rate)} av den schemalagda tiden de senaste skoldagarna. " +
                        "Oregistrerade lektioner räknas inte som frånvaro, så frånvaron kan vara större än vad som visas.");
        }

        if (dq.RejectedFilesLast30Days > 0)
        {
            caveats.Add($"{dq.RejectedFilesLast30Days} exportfil(er) från skolan har avvisats de senaste 30 dagarna på grund av fel i filen.");
        }

        return caveats;
    }

    private static readonly JsonSerializerOptions ConfigurationJson = new() { Converters = { new JsonStringEnumConverter() } };

    private string EffectiveConfigurationJson() => JsonSerializer.Serialize(new
    {
        thresholds = thresholds.Value,
        ingestion = new
        {
            ingestion.Value.MaxBadRowShare,
            ingestion.Value.StaleAfterSchoolDays,
            schools = ingestion.Value.Schools.Select(s => new { s.Skolenhetskod, s.Name, s.Driftsform, s.Profile, s.ProfileOverrides }),
            ingestion.Value.Profiles,
        },
        notifications = new { notifications.Value.NameDisplay, notifications.Value.LowReportingRate, notifications.Value.TemplateFolder },
    }, ConfigurationJson);
}
