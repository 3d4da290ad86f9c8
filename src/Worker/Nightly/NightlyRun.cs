using Microsoft.Extensions.Logging;
using Npgsql;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Groups;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Notifications.Ops;
using Skolnarvaro.Schools;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Nightly;

public sealed record NightlyRunSummary(
    long RunId, DateOnly AsOf, string Status, IReadOnlyList<SchoolOutcome> Schools, DeliveryResult Delivery, string Transport, string TrendModel)
{
    public long RowsImported => Schools.Sum(s => s.RowsImported);
    public long RowsQuarantined => Schools.Sum(s => s.RowsQuarantined);
    public int FilesImported => Schools.Sum(s => s.FilesImported);
    public int FilesRejected => Schools.Sum(s => s.FilesRejected);
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

/// <summary>
/// The nightly job in three steps that the Hangfire jobs run one by one, possibly on different workers, and the command
/// line runs in a row (<see cref="RunAsync"/>):
/// <list type="number">
/// <item><see cref="BeginAsync"/> records the run and one row per school (one nightly run at a time);</item>
/// <item><see cref="ImportSchoolAsync"/> imports one school's inbox and its data quality (fan-out);</item>
/// <item><see cref="FinishAsync"/>, once every school has finished or failed, records each school's flags, the data-quality
/// caveats its page shows and the digest that reports them in one transaction per school, queues the analysts' run report
/// and delivers (fan-in).</item>
/// </list>
/// Every step can be retried or run twice: imports are content-hashed, each school is analysed once per run
/// (<c>run_school.analyzed_at</c>, set in the flags' transaction), digests are keyed by school and run, and a pupil already
/// reported is not reported again. A school that failed and succeeds on a later retry is analysed and sent on its own.
/// The stages do the work; this class only sequences them and keeps the run's books.
/// </summary>
public sealed class NightlyRun(
    NpgsqlDataSource db,
    SchoolImports imports,
    SchoolFlags flags,
    SchoolDigests digests,
    GroupDigests groupDigests,
    TeamDigests teamDigests,
    TeamPageStore teamCases,
    ClassMentors mentors,
    RosterRejections rosters,
    SchoolCaveats caveats,
    OpsReport opsReport,
    OutboxSender sender,
    RunStore runs,
    IDigestLinks links,
    ILogger<NightlyRun> logger)
{
    /// <summary>The whole nightly job, now, in this process: what <c>skolnarvaro run-once</c> does.</summary>
    /// <param name="sendNow">Compose every school's digest now and send it at once, whatever its schedule.</param>
    public async Task<NightlyRunSummary> RunAsync(
        DateOnly asOf, bool dryRun, IProgress<string>? progress = null, CancellationToken ct = default, bool sendNow = false,
        IProgress<ImportProgress>? importProgress = null)
    {
        var runId = await BeginAsync(asOf, dryRun, $"cli:{Guid.NewGuid():N}", ct, sendNow);
        await using var owner = await runs.TakeOwnershipAsync(runId, ct);
        try
        {
            foreach (var school in imports.Schools)
            {
                progress?.Report($"{school.Name}: importing");
                await ImportSchoolAsync(runId, school.Skolenhetskod, ct, importProgress);
            }

            progress?.Report("Analysing, recording flags and digests, delivering");
            return await FinishAsync(runId, ct);
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested)
        {
            // Stopped by its operator or the system: said in the run's record now, not left Running for the next run to find.
            using var recording = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await runs.InterruptAsync(runId, recording.Token);
            logger.LogWarning("Nightly run {RunId} was stopped before it finished; recorded as Abandoned", runId);
            throw new RunInterruptedException(runId, e);
        }
    }

    /// <summary>
    /// Records a nightly run and its schools. The same <paramref name="triggerKey"/> (a retried Hangfire job) returns the run
    /// it recorded before. Throws <see cref="RunInProgressException"/> while another nightly run is in progress.
    /// </summary>
    public async Task<long> BeginAsync(DateOnly asOf, bool dryRun, string triggerKey, CancellationToken ct = default, bool sendNow = false)
    {
        await imports.SyncRegistryAsync(ct);
        var runId = await runs.BeginNightlyAsync(asOf, dryRun, sendNow, triggerKey, imports.Schools.Select(s => s.Skolenhetskod).ToList(), ct);
        logger.LogInformation("Nightly run {RunId} as of {AsOf:yyyy-MM-dd} for {Schools} schools ({Trigger})", runId, asOf, imports.Schools.Count, triggerKey);
        return runId;
    }

    /// <summary>Schools of the run still to import: what the fan-out enqueues.</summary>
    public Task<IReadOnlyList<string>> SchoolsToImportAsync(long runId, CancellationToken ct = default) => runs.NotImportedAsync(runId, ct);

    /// <summary>
    /// Imports one school's inbox for the run and records the outcome. A failure is recorded and returned, not thrown, so
    /// the run goes on with the other schools. Done already, or being done by another worker: nothing happens.
    /// </summary>
    public async Task<SchoolStep> ImportSchoolAsync(long runId, string skolenhetskod, CancellationToken ct = default, IProgress<ImportProgress>? progress = null)
    {
        await using var schoolLock = await SessionLock.TryTakeAsync(db, $"run-school:{runId}:{skolenhetskod}", ct);
        if (schoolLock is null)
        {
            logger.LogInformation("School {School} of run {RunId} is being imported by another worker", skolenhetskod, runId);
            return new SchoolStep(SchoolStepResult.BusyElsewhere, false);
        }

        var run = await runs.ReadRunAsync(runId, ct);
        var status = await runs.StatusAsync(runId, skolenhetskod, ct);
        if (run.Status == "Abandoned" || status is null or SchoolRunStatus.Imported)
        {
            return new SchoolStep(SchoolStepResult.AlreadyDone, await ReadyToFinishAsync(runId, run.Status, ct));
        }

        var took = System.Diagnostics.Stopwatch.StartNew();
        await runs.StartAttemptAsync(runId, skolenhetskod, ct);
        Exception? failure = null;
        try
        {
            var window = await flags.RecentWindowDaysAsync(skolenhetskod, ct);
            var imported = await imports.ImportAsync(skolenhetskod, runId, run.AsOf, window, ct, progress);
            await runs.RecordImportedAsync(runId, skolenhetskod, imported.Files, imported.Quality, took.Elapsed, ct);
            logger.LogInformation("School {School} of run {RunId} imported in {Ms} ms: {Files} files", skolenhetskod, runId,
                took.ElapsedMilliseconds, imported.Files.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // One school's failure must not hold back the digests of the others; it is recorded, reported and retried.
            logger.LogError(e, "School {School} failed in run {RunId}", skolenhetskod, runId);
            await runs.RecordFailedAsync(runId, skolenhetskod, e.Message, took.Elapsed, ct);
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
        var run = await runs.ReadRunAsync(runId, ct);
        if (run.Status == "Abandoned" || await runs.UnfinishedAsync(runId, ct) > 0)
        {
            return new NightlyRunSummary(runId, run.AsOf, run.Status, await OutcomesAsync(runId, ct), new DeliveryResult(0, 0), "", "");
        }

        var model = await flags.ModelStatusAsync(ct);
        var teams = await PlanTeamsAsync(run.AsOf, run.SendNow, ct);
        foreach (var code in await runs.ToAnalyzeAsync(runId, ct))
        {
            try
            {
                await AnalyzeSchoolAsync(runId, code, run.AsOf, run.SendNow, teams.ToldAbout(code), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException and not NpgsqlException)
            {
                logger.LogError(e, "Analysis of school {School} failed in run {RunId}", code, runId);
                await runs.RecordAnalysisFailedAsync(runId, code, e.Message, ct);
            }
        }

        var teamError = await QueueTeamsAsync(runId, teams, ct);
        var outcomes = await OutcomesAsync(runId, ct);
        if (run.Status == "Running")
        {
            var rejectedRosters = (await rosters.InRunAsync(runId, ct)).ToLookup(r => r.Skolenhetskod, r => r.Message);
            await opsReport.QueueAsync(runId, run.AsOf, model.OpsNote,
                outcomes.Select(o => OpsFacts(o) with { RosterRejected = rejectedRosters[o.Skolenhetskod].LastOrDefault() }).ToList(), ct);
        }

        var (delivery, transport) = await sender.DeliverDueAsync(run.DryRun, ct);
        var succeeded = outcomes.All(o => o.Status == SchoolRunStatus.Imported && o.Analyzed && o.Error is null) && teamError is null;
        var summary = new NightlyRunSummary(runId, run.AsOf, succeeded ? "Succeeded" : "Failed", outcomes, delivery, transport, model.Summary);
        await runs.FinishNightlyAsync(runId, summary.Status, model.Summary, delivery.Sent, delivery.Failed, delivery.GaveUp, ct);
        logger.LogInformation("Nightly run {RunId} {Status}: {High} high, {AtRisk} at risk, {Digests} digests, {Sent} delivered",
            runId, summary.Status, summary.High, summary.AtRisk, summary.Digests, delivery.Sent);
        return summary;
    }

    /// <summary>Delivers whatever in the outbox is due (the recurring delivery job: mails held back by an SMTP outage).</summary>
    public async Task<DeliveryResult> DeliverDueAsync(CancellationToken ct = default) => (await sender.DeliverDueAsync(dryRun: false, ct)).Result;

    /// <summary>One school's flags, its page's caveats and the digest that reports them, in one transaction, once per run.</summary>
    /// <param name="teamTold">Pupils of the school the skolnärvaroteam is told about tonight: the school's digests say so.</param>
    private async Task AnalyzeSchoolAsync(long runId, string code, DateOnly asOf, bool sendNow, int teamTold, CancellationToken ct)
    {
        var took = System.Diagnostics.Stopwatch.StartNew();
        var levels = await flags.AssessAsync(code, asOf, ct);
        var groups = await GroupsAsync(code, asOf, levels, ct);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await runs.BeginAnalysisAsync(conn, runId, code, ct) is not { } quality)
        {
            return; // analysed by an earlier attempt
        }

        var (recorded, news) = await flags.RecordWithNewsAsync(conn, runId, levels, digests.ReminderCooldownDays, ct);
        var dataQuality = DigestQuality(quality);
        await caveats.RecordAsync(conn, runId, code, asOf, dataQuality, ct);
        var (digest, digestError) = await QueueDigestAsync(tx, runId, code, asOf, news, groups with { TeamTold = teamTold }, dataQuality, sendNow, ct);
        if (digest.Recorded)
        {
            await flags.MarkReportedAsync(conn, code, digest.Told.Select(t => t.PupilKey), asOf, ct);
        }

        await runs.RecordAnalysisAsync(conn, runId, code, new SchoolAnalysis(
            recorded.Count(Level.High), recorded.Count(Level.AtRisk), recorded.Count(Level.Trend),
            digest.Told.Count(t => t.IsNews), digest.Told.Count(t => !t.IsNews), digest.Outcome == DigestOutcome.Queued,
            digest.NextDigest, digest.Waiting, digestError), took.Elapsed, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// The school's digest, in a savepoint: if composing or queuing it fails, the flags stand, the failure is recorded as the
    /// school's digest step (the run fails, and says so), and as nothing counts as told or composed the news goes in the next
    /// night's digest. A database outage is not caught: the whole school is retried.
    /// </summary>
    private async Task<(QueuedDigest Digest, string? Error)> QueueDigestAsync(
        NpgsqlTransaction tx, long runId, string code, DateOnly asOf, SchoolNews news, GroupRequest groups, DigestDataQuality quality, bool sendNow,
        CancellationToken ct)
    {
        await tx.SaveAsync("digest", ct);
        try
        {
            var request = Request(news) with { Links = links.ForSchool(code) };
            var plan = await groupDigests.PlanAsync(tx.Connection!, code, asOf, request, groups, quality, sendNow, ct);
            var digest = await digests.QueueAsync(tx.Connection!, runId, code, asOf,
                request with { AlsoTold = plan.ForRektor, ClassesWithoutMentor = groups.WithoutMentor }, quality, sendNow, ct);
            await groupDigests.QueueAsync(tx.Connection!, runId, plan, digest.Recorded, ct);
            return (digest, null);
        }
        catch (Exception e) when (e is not OperationCanceledException and not NpgsqlException { IsTransient: true })
        {
            logger.LogError(e, "The digest of school {School} failed in run {RunId}; its flags are recorded", code, runId);
            await tx.RollbackAsync("digest", ct);
            return (new QueuedDigest(DigestOutcome.Failed, [], asOf, news.Pupils.Count(p => p.IsNews)), $"digest: {e.Message}");
        }
    }

    /// <summary>The skolnärvaroteam mails due tonight, with the open support requests at the schools each team serves.</summary>
    private async Task<TeamPlan> PlanTeamsAsync(DateOnly asOf, bool sendNow, CancellationToken ct)
    {
        var schools = teamDigests.Teams.SelectMany(t => t.Schools).Select(s => s.Skolenhetskod).Distinct().ToList();
        if (schools.Count == 0)
        {
            return TeamPlan.None(asOf);
        }

        var requested = (await teamCases.RequestedAsync(schools, ct)).Select(p => new TeamCase(
            p.Skolenhetskod, p.PupilKey, p.FirstName, p.LastName, p.ClassName, DigestSteps(p.Steps),
            [.. p.Weeks.Select(w => new DigestWeek(w.Monday, w.AbsenceShare))])).ToList();
        await using var conn = await db.OpenConnectionAsync(ct);
        return await teamDigests.PlanAsync(conn, asOf, requested, sendNow, ct);
    }

    /// <summary>
    /// Records the team mails after the schools' own, so each can say who at its schools was told. A failure is logged and
    /// fails the run (it says so) without holding back the schools' digests; a database outage is not caught.
    /// </summary>
    private async Task<string?> QueueTeamsAsync(long runId, TeamPlan teams, CancellationToken ct)
    {
        try
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await teamDigests.QueueAsync(conn, runId, teams, ct);
            await tx.CommitAsync(ct);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException and not NpgsqlException { IsTransient: true })
        {
            logger.LogError(e, "The skolnärvaroteam's digests failed in run {RunId}", runId);
            return e.Message;
        }
    }

    /// <summary>The school's classes and mentors on the night from the roster, and who of its flagged pupils has a long spell.</summary>
    private async Task<GroupRequest> GroupsAsync(string code, DateOnly asOf, SchoolLevels levels, CancellationToken ct)
    {
        var classes = await mentors.OfSchoolAsync(code, asOf, ct);
        var longSpells = levels.Assessment.Flagged.Where(a => a.Patterns.LongSpell).Select(a => Convert.ToHexString(a.Figures.PupilKey)).ToHashSet();
        return new GroupRequest(
            [.. classes.Select(c => new ClassMentorsOnNight(c.Class, [.. c.Mentors.Select(m => new Recipient(m.Name, m.Email))]))],
            classes.Any(c => c.Mentors.Count > 0), longSpells);
    }

    internal static DigestRequest Request(SchoolNews news) => new(
        news.Pupils.Select(p => new DigestEntry(
            p.Flag.PupilKey, p.Flag.Level.ToString(), p.Reason.ToString(), p.FromLevel?.ToString(), p.Flag.Since, p.Flag.Descriptions,
            p.TermShare, p.RecentShare, p.RecentDays, p.Direction.ToString(),
            p.FinishedSpell is { } s ? new DigestSpell(s.From, s.To) : null,
            p.Weeks?.Select(w => new DigestWeek(w.Monday, w.AbsenceShare, w.NoSchool)).ToList(),
            p.Investigation is { } i ? DigestSteps(i) : null)).ToList(),
        news.FirstDigest, news.LeftLevels, news.ShowsDays);

    private static DigestInvestigation DigestSteps(Analysis.Investigations.Investigation i) =>
        new(i.StartedOn, i.ReportedOn, i.ClosedOn, i.SupportRequestedOn, i.SupportStartedOn, i.SupportEndedOn);

    /// <summary>Ingestion's data quality as the digest (and the rektor's page) words it.</summary>
    private static DigestDataQuality DigestQuality(SchoolDataQuality q) =>
        new(q.LastExportDate, q.SchoolDaysSinceLastExport, q.IsStale, q.ReportingRate, q.RejectedFilesLast30Days, q.KeptFactsLast30Days);

    private static OpsSchoolFacts OpsFacts(SchoolOutcome o) => new(
        o.Skolenhetskod, o.Name, o.Driftsform == Driftsform.Independent, o.FilesImported, o.FilesRejected, o.RowsImported, o.RowsQuarantined,
        o.Quality?.LastExportDate, o.Quality?.IsStale ?? false, o.Quality?.ReportingRate, o.High, o.AtRisk, o.Trend, o.DigestQueued, o.Error,
        o.Imports.Where(i => i.Status == ImportStatus.Rejected).Select(i => i.Message).ToList(), o.NextDigest, o.Waiting);

    /// <summary>The run's schools in the order of the school registry (schools no longer in it last).</summary>
    private async Task<IReadOnlyList<SchoolOutcome>> OutcomesAsync(long runId, CancellationToken ct)
    {
        var order = imports.Schools.Select((s, i) => (s.Skolenhetskod, i)).ToDictionary(x => x.Skolenhetskod, x => x.i);
        return (await runs.ReadAsync(runId, ct)).OrderBy(o => order.GetValueOrDefault(o.Skolenhetskod, int.MaxValue)).ToList();
    }

    private async Task<bool> ReadyToFinishAsync(long runId, string runStatus, CancellationToken ct) =>
        runStatus is "Succeeded" or "Failed" || await runs.UnfinishedAsync(runId, ct) == 0;
}
