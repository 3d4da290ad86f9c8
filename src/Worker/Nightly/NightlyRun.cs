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

public sealed record SchoolOutcome(
    string Skolenhetskod, string Name, Driftsform Driftsform, IReadOnlyList<ImportResult> Imports, SchoolDataQuality? Quality,
    int High, int AtRisk, int NewOrEscalated, int Reminded, bool DigestQueued, string? Error)
{
    public int Trend { get; init; }
}

public sealed record NightlyRunSummary(long RunId, DateOnly AsOf, IReadOnlyList<SchoolOutcome> Schools, DeliveryResult Delivery, string Transport)
{
    public long RowsImported => Schools.Sum(s => s.Imports.Sum(i => i.RowsImported));
    public long RowsQuarantined => Schools.Sum(s => s.Imports.Sum(i => i.RowsQuarantined));
    public int FilesImported => Schools.Sum(s => s.Imports.Count(i => i.Status == ImportStatus.Imported));
    public int FilesRejected => Schools.Sum(s => s.Imports.Count(i => i.Status == ImportStatus.Rejected));
    public int High => Schools.Sum(s => s.High);
    public int AtRisk => Schools.Sum(s => s.AtRisk);
    public int Trend => Schools.Sum(s => s.Trend);
    /// <summary>"model v3 active (…)" or "thresholds only: no active model".</summary>
    public string TrendModel { get; init; } = "";
    public int Digests => Schools.Count(s => s.DigestQueued);
    public bool Succeeded => Schools.All(s => s.Error is null);
}

/// <summary>
/// The nightly job: import every school's inbox, recompute figures and levels, record flags and the digests that
/// report them in one transaction per school, then deliver the outbox. Safe to run twice: imports are content-hashed,
/// digests keyed by school and run, and a pupil already reported is not reported again.
/// </summary>
public sealed class NightlyRun(
    NpgsqlDataSource db,
    IOptions<IngestionOptions> ingestion,
    IOptions<ThresholdOptions> thresholds,
    IOptions<NotificationOptions> notifications,
    SchoolRegistryStore schools,
    InboxImporter inbox,
    DataQualityStore quality,
    ThresholdAnalysis analysis,
    TrendScoring trend,
    FlagStore flags,
    LevelHistoryStore history,
    RunStore runs,
    DigestRenderer renderer,
    OpsDigestRenderer opsRenderer,
    OutboxStore outbox,
    OutboxSender sender,
    TimeProvider time,
    ILogger<NightlyRun> logger)
{
    public async Task<NightlyRunSummary> RunAsync(DateOnly asOf, bool dryRun, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var schoolList = ingestion.Value.Schools;
        await schools.SyncAsync(schoolList, ct);
        var runId = await runs.StartAsync("nightly", asOf, EffectiveConfigurationJson(), ct);
        logger.LogInformation("Nightly run {RunId} as of {AsOf} for {Schools} schools", runId, asOf, schoolList.Count);

        var model = await trend.StatusAsync(ct);
        var outcomes = new List<SchoolOutcome>();
        foreach (var school in schoolList)
        {
            progress?.Report($"{school.Name}: importing");
            try
            {
                outcomes.Add(await RunSchoolAsync(runId, school, asOf, ct));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One school's failure must not hold back the digests of the others; it is reported and the run marked failed.
                logger.LogError(e, "School {School} failed in run {RunId}", school.Skolenhetskod, runId);
                outcomes.Add(new SchoolOutcome(school.Skolenhetskod, school.Name, school.Driftsform, [], null, 0, 0, 0, 0, false, e.Message));
            }
        }

        await EnqueueOpsReportAsync(runId, asOf, outcomes, model.OpsNote, ct);

        var smtp = notifications.Value.Smtp;
        await using IMailTransport transport = dryRun || string.IsNullOrWhiteSpace(smtp.Host)
            ? new EmlFolderTransport(notifications.Value.DryRunFolder)
            : new SmtpTransport(smtp);
        progress?.Report($"Delivering digests to {transport.Describe()}");
        var delivery = await sender.DeliverDueAsync(transport, ct);

        var summary = new NightlyRunSummary(runId, asOf, outcomes, delivery, transport.Describe()) { TrendModel = model.Summary };
        await runs.FinishAsync(runId, summary.Succeeded, JsonSerializer.Serialize(new
        {
            schools = outcomes.Select(o => new
            {
                o.Skolenhetskod, files = o.Imports.Count, rows = o.Imports.Sum(i => i.RowsImported),
                quarantined = o.Imports.Sum(i => i.RowsQuarantined), rejected = o.Imports.Count(i => i.Status == ImportStatus.Rejected),
                o.High, o.AtRisk, o.Trend, o.NewOrEscalated, o.Reminded, o.DigestQueued, stale = o.Quality?.IsStale, reportingRate = o.Quality?.ReportingRate, o.Error,
            }),
            trendModel = model.Summary,
            digestsSent = delivery.Sent,
            digestsFailed = delivery.Failed,
            digestsGivenUp = delivery.GaveUp,
        }), ct);
        return summary;
    }

    private async Task<SchoolOutcome> RunSchoolAsync(long runId, SchoolSettings school, DateOnly asOf, CancellationToken ct)
    {
        var imports = await inbox.ImportInboxAsync(school, ct);
        var recentWindow = thresholds.Value.For(school.Skolenhetskod, school.Driftsform.ToString()).RecentWindowDays;
        var dq = await quality.ForSchoolAsync(school.Skolenhetskod, asOf, ingestion.Value.StaleAfterSchoolDays, recentWindow, ct);
        var assessment = await analysis.AssessSchoolAsync(school.Skolenhetskod, asOf, ct);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Pupils not at a level whom the active trend model expects to reach hög frånvaro join as Trend (none without a model).
        var scored = await trend.ScoreSchoolAsync(school.Skolenhetskod, asOf, assessment, ct);
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
            var recipients = notifications.Value.Schools.FirstOrDefault(s => s.Skolenhetskod == school.Skolenhetskod)
                ?? new SchoolRecipients { Skolenhetskod = school.Skolenhetskod, Name = school.Name, Huvudman = school.Huvudman };
            if (recipients.Rectors.Count == 0)
            {
                logger.LogWarning("School {School} has flagged pupils but no rector e-mail in the registry; no digest recorded", school.Skolenhetskod);
            }
            else
            {
                var pupils = await PupilDirectory.ReadAsync(conn, school.Skolenhetskod, reported, ct);
                var model = DigestBuilder.Build(recipients, asOf, pupils, Caveats(dq, asOf), notifications.Value.NameDisplay);
                var digest = renderer.Render(model);
                var key = $"digest-{school.Skolenhetskod}-run{runId}";
                var mime = DigestMail.Compose(notifications.Value.FromName, notifications.Value.FromAddress,
                    recipients.Rectors.Select(r => (r.Name, r.Email)), digest, key, time.GetUtcNow());
                queued = await outbox.EnqueueAsync(conn, key, runId, school.Skolenhetskod,
                    recipients.Rectors.Select(r => r.Email).ToList(), digest.Subject, mime, ct);
                // The digest of this run exists now (or from an earlier attempt at it): these pupils have been reported.
                await history.MarkReportedAsync(conn, school.Skolenhetskod, reported.Select(n => n.PupilKey), asOf, ct);
            }
        }

        await tx.CommitAsync(ct);
        return new SchoolOutcome(school.Skolenhetskod, school.Name, school.Driftsform, imports, dq,
            recorded.Count(r => r.Level == Level.High), recorded.Count(r => r.Level == Level.AtRisk), news.Count, reminders.Count, queued, null)
        {
            Trend = recorded.Count(r => r.Level == Level.Trend),
        };
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
