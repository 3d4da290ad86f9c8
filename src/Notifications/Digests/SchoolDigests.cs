using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Calendar;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>What became of a school's digest in a run.</summary>
public enum DigestOutcome
{
    /// <summary>Not the school's digest day (and nothing urgent): the news waits.</summary>
    NotDue,
    /// <summary>The digest day, but nothing new to tell: no e-mail.</summary>
    Nothing,
    /// <summary>The school has no rektor e-mail in the registry: no digest, and the pupils count as not told.</summary>
    NoRecipients,
    /// <summary>Recorded in the outbox now.</summary>
    Queued,
    /// <summary>Recorded by an earlier attempt at the same run.</summary>
    AlreadyQueued,
    /// <summary>Composing or recording it failed: nothing was recorded, and the news waits for the next digest.</summary>
    Failed,
}

/// <summary>
/// A digest recorded (or not) for a school: what became of it, which pupils it told the rektor about, when the school's
/// next digest goes and how many pupils' news waits for it.
/// </summary>
public sealed record QueuedDigest(DigestOutcome Outcome, IReadOnlyList<DigestEntry> Told, DateOnly NextDigest, int Waiting)
{
    public bool Recorded => Outcome is DigestOutcome.Queued or DigestOutcome.AlreadyQueued;
}

/// <summary>
/// A school's digest from the analysis's pupils to the outbox, on the school's cadence (weekly on Monday by default):
/// whether it is due, what it tells (an overview the first time, then news since the last one, capped and in concern
/// order), recipients from the registry, the pupils' names at the school, the data-quality caveats, the rendered
/// template and the MIME message — recorded on the caller's transaction so the digest and the flags commit together.
/// </summary>
public sealed class SchoolDigests(
    IOptions<NotificationOptions> options, SchoolRegistry registry, DigestRenderer renderer, OutboxStore outbox, SchoolCalendar calendar,
    TimeProvider time, ILogger<SchoolDigests> logger)
{
    /// <summary>How often a pupil still at the same level is mentioned again: the analysis picks the reminders with it.</summary>
    public int ReminderCooldownDays => options.Value.ReminderCooldownDays;

    /// <param name="sendNow">Compose whatever the schedule and send at once (run-once --send-now, demo mode).</param>
    public async Task<QueuedDigest> QueueAsync(
        NpgsqlConnection conn, long runId, string school, DateOnly asOf, DigestRequest request, DigestDataQuality quality, bool sendNow,
        CancellationToken ct = default)
    {
        var settings = options.Value;
        var (lastComposed, lastTold) = await LastDigestAsync(conn, school, ct);
        var due = sendNow || settings.Digest.IsDue(school, asOf, lastComposed, calendar);
        var (kind, told) = request switch
        {
            { FirstDigest: true } when due => (DigestKind.Overview, request.Pupils),
            _ when due => (DigestKind.News, request.Pupils.Where(p => p.ChangeCode != "AtLevel").ToList()),
            _ when settings.Digest.UrgentOn(school, asOf, calendar) => (DigestKind.Urgent, request.Pupils.Where(p => p.IsNews && p.LevelCode == "High").ToList()),
            _ => (DigestKind.News, (IReadOnlyList<DigestEntry>)[]),
        };
        if (due)
        {
            await RecordComposedAsync(conn, school, asOf, runId, ct);
        }

        var next = due
            ? settings.Digest.NextDate(school, asOf.AddDays(1), asOf, calendar)
            : settings.Digest.NextDate(school, asOf, lastComposed, calendar);
        var waiting = request.Pupils.Count(p => p.IsNews) - told.Count(p => p.IsNews);
        // A digest day with no news is silent, except when the school's exports have stopped: the rektor would otherwise
        // hear nothing at all while the list goes out of date (a school whose exports ended with the term, say).
        var exportsStopped = due && quality.IsStale && quality.LastExportDate is not null;
        if (told.Count == 0 && !exportsStopped)
        {
            return new QueuedDigest(due ? DigestOutcome.Nothing : DigestOutcome.NotDue, [], next, waiting);
        }

        var recipients = registry.Find(school);
        if (recipients is null || recipients.Rektorer.Count == 0)
        {
            logger.LogWarning("School {School} has a digest to send but no rektor e-mail in the registry; no digest recorded", school);
            return new QueuedDigest(DigestOutcome.NoRecipients, [], next, request.Pupils.Count(p => p.IsNews));
        }

        var pupils = await PupilDirectory.ReadAsync(conn, school, told, ct);
        // Without new data, pupils leave the levels for want of days in the term, not because they came back.
        request = told.Count == 0 ? request with { LeftLevels = 0 } : request;
        var model = DigestBuilder.Build(recipients, asOf, kind, pupils, request,
            DataQualityCaveats.For(quality, asOf, settings.LowReportingRate), settings.NameDisplay, settings.Digest.MaxPupils,
            request.FirstDigest ? null : lastTold) with
            {
                ExportsStopped = told.Count == 0 ? DigestBuilder.Date(quality.LastExportDate!.Value) : null,
            };
        var now = time.GetUtcNow();
        var notBefore = sendNow ? now : SendAt(school, asOf, now);
        var key = $"digest-{school}-run{runId}";
        // One mail to all the school's rektorer; with links, each rektor's own mail, since the link in it is personal.
        var mails = request.Links.Count == 0
            ? [(key, recipients.Rektorer, model)]
            : recipients.Rektorer.Select((rektor, i) => (
                recipients.Rektorer.Count == 1 ? key : $"{key}-{i + 1}",
                (IReadOnlyList<Recipient>)[rektor],
                model with
                {
                    School = model.School with { Rektorer = rektor.Name },
                    Link = request.Links.GetValueOrDefault(rektor.Email.Trim().ToLowerInvariant()),
                })).ToList();
        var queued = false;
        foreach (var (mailKey, to, mailModel) in mails)
        {
            var digest = renderer.Render(mailModel);
            // Dated when it is meant to leave: a digest composed at 02:00 for 07:00 says 07:00.
            var mime = DigestMail.Compose(settings.FromName, settings.FromAddress, to.Select(r => (r.Name, r.Email)), digest, mailKey, notBefore);
            queued |= await outbox.EnqueueAsync(conn, mailKey, runId, school, to.Select(r => r.Email).ToList(), digest.Subject, mime, ct, notBefore);
        }

        await RecordToldAsync(conn, school, asOf, runId, ct);
        return new QueuedDigest(queued ? DigestOutcome.Queued : DigestOutcome.AlreadyQueued, told, next, waiting);
    }

    /// <summary>The school's send time on the digest's date, in school time; now if that has passed.</summary>
    private DateTimeOffset SendAt(string school, DateOnly date, DateTimeOffset now)
    {
        var (_, at) = options.Value.Digest.For(school);
        var sendAt = time.Instant(date, at);
        return sendAt > now ? sendAt : now;
    }

    /// <summary>When the school's digest was last composed (sent or not), and when one was last recorded for sending.</summary>
    private static async Task<(DateOnly? Composed, DateOnly? Told)> LastDigestAsync(NpgsqlConnection conn, string school, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select last_composed_on, last_told_on from school_digest where skolenhetskod = @school", conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? (r.GetFieldValue<DateOnly>(0), r.IsDBNull(1) ? null : r.GetFieldValue<DateOnly>(1)) : (null, null);
    }

    private static async Task RecordComposedAsync(NpgsqlConnection conn, string school, DateOnly date, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into school_digest (skolenhetskod, last_composed_on, last_run_id) values (@school, @date, @run)
            on conflict (skolenhetskod) do update set last_composed_on = greatest(school_digest.last_composed_on, excluded.last_composed_on),
                last_run_id = excluded.last_run_id
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("date", date);
        cmd.Parameters.AddWithValue("run", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task RecordToldAsync(NpgsqlConnection conn, string school, DateOnly date, long runId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into school_digest (skolenhetskod, last_composed_on, last_told_on, last_run_id) values (@school, @date, @date, @run)
            on conflict (skolenhetskod) do update set last_told_on = greatest(school_digest.last_told_on, excluded.last_told_on)
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("date", date);
        cmd.Parameters.AddWithValue("run", runId);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
