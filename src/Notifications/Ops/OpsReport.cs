using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Ops;

/// <summary>One school's part of a run, as the run report needs it: raw figures, worded by <see cref="OpsReport"/>.</summary>
public sealed record OpsSchoolFacts(
    string Skolenhetskod, string Name, bool Independent, int FilesImported, int FilesRejected, long RowsImported, long RowsQuarantined,
    DateOnly? LastExport, bool Stale, double? ReportingRate, int High, int AtRisk, int Trend, bool DigestQueued, string? Error,
    IReadOnlyList<string> Rejections, DateOnly? NextDigest, int Waiting)
{
    /// <summary>The school's roster refused in this run (its message); the mentors in force stay. Null: none refused.</summary>
    public string? RosterRejected { get; init; }
}

/// <summary>The analysts' run report (Skolnarvaro:Notifications:OpsAddress), recorded in the outbox once per run like a digest.</summary>
public sealed class OpsReport(IOptions<NotificationOptions> options, OpsDigestRenderer renderer, NpgsqlDataSource db, OutboxStore outbox, TimeProvider time)
{
    /// <summary>Records the run report; nothing when no address is configured, and nothing new when it is recorded already.</summary>
    public async Task QueueAsync(long runId, DateOnly asOf, string modelNote, IReadOnlyList<OpsSchoolFacts> schools, CancellationToken ct = default)
    {
        var settings = options.Value;
        if (string.IsNullOrWhiteSpace(settings.OpsAddress))
        {
            return;
        }

        var model = new OpsDigestModel(runId, DigestBuilder.Date(asOf), modelNote, schools.Select(s => new OpsSchool(
            s.Skolenhetskod, s.Name, s.Independent ? "fristående" : "kommunal", s.FilesImported, s.FilesRejected, s.RowsImported,
            s.RowsQuarantined, s.LastExport is { } last ? DigestBuilder.Date(last) : null, s.Stale,
            s.ReportingRate is { } rate ? DigestBuilder.Percent(rate) : null,
            s.High, s.AtRisk, s.Trend, s.DigestQueued, s.Error, s.Rejections,
            s.NextDigest is { } next ? DigestBuilder.Date(next) : null, s.Waiting) { RosterRejected = s.RosterRejected }).ToList());
        var (subject, text) = renderer.Render(model);
        var key = $"ops-run{runId}";
        var mime = DigestMail.ComposeText(settings.FromName, settings.FromAddress, settings.OpsAddress, subject, text, key, time.GetUtcNow());
        await using var conn = await db.OpenConnectionAsync(ct);
        await outbox.EnqueueAsync(conn, key, runId, null, [settings.OpsAddress], subject, mime, ct);
    }
}
