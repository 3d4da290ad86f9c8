using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>What became of a school's digest in a run.</summary>
public enum DigestOutcome
{
    /// <summary>Nothing to report: no digest.</summary>
    Nothing,
    /// <summary>The school has no rektor e-mail in the registry: no digest, and the pupils count as not reported.</summary>
    NoRecipients,
    /// <summary>Recorded in the outbox now.</summary>
    Queued,
    /// <summary>Recorded by an earlier attempt at the same run.</summary>
    AlreadyQueued,
}

/// <summary>
/// A school's digest from the pupils to report to the outbox: recipients from the registry, the pupils' names at the
/// school, the data-quality caveats, the rendered template and the MIME message, recorded on the caller's transaction
/// so that the digest and the flags it reports commit together.
/// </summary>
public sealed class SchoolDigests(
    IOptions<NotificationOptions> options, DigestRenderer renderer, OutboxStore outbox, TimeProvider time, ILogger<SchoolDigests> logger)
{
    public async Task<DigestOutcome> QueueAsync(
        NpgsqlConnection conn, long runId, string school, DateOnly asOf, IReadOnlyList<DigestEntry> entries, DigestDataQuality quality,
        CancellationToken ct = default)
    {
        if (entries.Count == 0)
        {
            return DigestOutcome.Nothing;
        }

        var settings = options.Value;
        var recipients = settings.Schools.FirstOrDefault(s => s.Skolenhetskod == school);
        if (recipients is null || recipients.Rectors.Count == 0)
        {
            logger.LogWarning("School {School} has flagged pupils but no rector e-mail in the registry; no digest recorded", school);
            return DigestOutcome.NoRecipients;
        }

        var pupils = await PupilDirectory.ReadAsync(conn, school, entries, ct);
        var model = DigestBuilder.Build(recipients, asOf, pupils, DataQualityCaveats.For(quality, asOf, settings.LowReportingRate), settings.NameDisplay);
        var digest = renderer.Render(model);
        var key = $"digest-{school}-run{runId}";
        var mime = DigestMail.Compose(settings.FromName, settings.FromAddress,
            recipients.Rectors.Select(r => (r.Name, r.Email)), digest, key, time.GetUtcNow());
        return await outbox.EnqueueAsync(conn, key, runId, school, recipients.Rectors.Select(r => r.Email).ToList(), digest.Subject, mime, ct)
            ? DigestOutcome.Queued
            : DigestOutcome.AlreadyQueued;
    }
}
