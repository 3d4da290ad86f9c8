using Npgsql;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Outbox;

/// <summary>A message claimed for one attempt. <see cref="Attempts"/> counts this attempt; <see cref="ClaimToken"/> identifies it.</summary>
public sealed record OutboxMessage(
    long Id, string IdempotencyKey, string? Skolenhetskod, string[] Recipients, string Subject, byte[] Mime, int Attempts, Guid ClaimToken,
    DateTimeOffset? InterruptedAttemptStartedAt = null)
{
    /// <summary>The previous attempt ended without a recorded outcome (its sender stopped): the mail may already have arrived.</summary>
    public bool PreviousAttemptInterrupted => InterruptedAttemptStartedAt is not null;
}

/// <summary>
/// Where a recorded message stands: sent (or written to an .eml file), due now, held for its send time (never tried), waiting
/// to retry after a failed attempt, or given up. <see cref="OutboxStore.PendingAsync"/> counts the unsent by the same rules.
/// </summary>
public enum DeliveryState { Sent, WrittenToFile, Due, Held, Retrying, GivenUp }

/// <summary>One message of a run as <c>status</c> shows it.</summary>
public sealed record OutboxEntry(
    string IdempotencyKey, string? Skolenhetskod, int Recipients, DeliveryState State, int Attempts, DateTimeOffset? SentAt,
    DateTimeOffset NextAttemptAt, string? LastError);

/// <summary>
/// What the outbox holds unsent: due now, held for their send time (a digest composed in the night for 07:00), waiting
/// to retry after a failed attempt, and given up; with when the next held and retried messages go.
/// </summary>
public sealed record OutboxPending(long Due, long Held, long Retrying, long GivenUp, DateTimeOffset? NextSend, DateTimeOffset? NextRetry);

/// <summary>A message given up after its last allowed attempt.</summary>
public sealed record GivenUpMessage(long Id, string IdempotencyKey, int Attempts, string? LastError);

/// <summary>
/// The outbox: a digest is recorded once (idempotency key per school and run), in the same transaction as the flags
/// it reports, and stays until it has been delivered and marked sent, or given up after the last allowed attempt.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>
    /// Records a message on the caller's transaction; a second call with the same key changes nothing. It is sent from
    /// <paramref name="notBefore"/> on (a digest composed in the night goes at the school's time), or at once.
    /// </summary>
    public async Task<bool> EnqueueAsync(
        NpgsqlConnection conn, string idempotencyKey, long? runId, string? school, IReadOnlyList<string> recipients, string subject, byte[] mime,
        CancellationToken ct = default, DateTimeOffset? notBefore = null, RecipientGroup group = RecipientGroup.Rektor)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into outbox (idempotency_key, run_id, skolenhetskod, recipients, subject, mime, created_at, next_attempt_at, recipient_group)
            values (@key, @run, @school, @recipients, @subject, @mime, @now, @notBefore, @group)
            on conflict (idempotency_key) do nothing
            """, conn);
        cmd.Parameters.AddWithValue("key", idempotencyKey);
        cmd.Parameters.AddWithValue("run", (object?)runId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("school", (object?)school ?? DBNull.Value);
        cmd.Parameters.AddWithValue("recipients", recipients.ToArray());
        cmd.Parameters.AddWithValue("subject", subject);
        cmd.Parameters.AddWithValue("mime", mime);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("notBefore", notBefore ?? time.GetUtcNow());
        cmd.Parameters.AddWithValue("group", group.ToString());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The unsent messages, by where they stand now (the pipeline's clock, not the database's).</summary>
    public async Task<OutboxPending> PendingAsync(CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            with unsent as (select attempts, next_attempt_at from outbox where sent_at is null and gave_up_at is null)
            select (select count(*) from unsent where next_attempt_at <= @now),
                   (select count(*) from unsent where next_attempt_at > @now and attempts = 0),
                   (select count(*) from unsent where next_attempt_at > @now and attempts > 0),
                   (select count(*) from outbox where gave_up_at is not null),
                   (select min(next_attempt_at) from unsent where next_attempt_at > @now and attempts = 0),
                   (select min(next_attempt_at) from unsent where next_attempt_at > @now and attempts > 0)
            """);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        DateTimeOffset? At(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
        return new OutboxPending(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), At(4), At(5));
    }

    /// <summary>Every message a run recorded (its digests and run report), oldest first, with where each stands.</summary>
    /// <summary>The mails a run recorded for each recipient group other than the rektorer (a class's mentors, elevhälsan).</summary>
    public async Task<IReadOnlyDictionary<RecipientGroup, int>> GroupMailsAsync(long runId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand(
            "select recipient_group, count(*)::int from outbox where run_id = @run and recipient_group <> 'Rektor' group by recipient_group");
        cmd.Parameters.AddWithValue("run", runId);
        var counts = new Dictionary<RecipientGroup, int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            counts[Enum.Parse<RecipientGroup>(r.GetString(0))] = r.GetInt32(1);
        }

        return counts;
    }

    public async Task<IReadOnlyList<OutboxEntry>> ForRunAsync(long runId, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select idempotency_key, skolenhetskod, cardinality(recipients), sent_at, gave_up_at is not null, attempts, next_attempt_at, last_error,
                   written_to_file
            from outbox where run_id = @run order by id
            """);
        cmd.Parameters.AddWithValue("run", runId);
        var now = time.GetUtcNow();
        var entries = new List<OutboxEntry>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            DateTimeOffset? sent = r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3);
            var (attempts, next) = (r.GetInt32(5), r.GetFieldValue<DateTimeOffset>(6));
            var state = sent is not null ? (r.GetBoolean(8) ? DeliveryState.WrittenToFile : DeliveryState.Sent)
                : r.GetBoolean(4) ? DeliveryState.GivenUp
                : next <= now ? DeliveryState.Due
                : attempts == 0 ? DeliveryState.Held
                : DeliveryState.Retrying;
            entries.Add(new OutboxEntry(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt32(2), state, r.GetInt32(5), sent,
                r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetString(7)));
        }

        return entries;
    }

    /// <summary>
    /// Claims the oldest due message for one attempt: counts the attempt, gives it a new claim token and reserves it for
    /// <paramref name="lease"/> by pushing its next attempt into the future. <c>skip locked</c> makes a second sender
    /// take the next message instead of waiting; a sender that dies leaves its message to be claimed again once the
    /// lease has run out, and that claim records the interrupted attempt. Messages in <paramref name="skip"/> (already
    /// tried by this sender) and those that have used <paramref name="maxAttempts"/> are left alone. Null: nothing due.
    /// </summary>
    public async Task<OutboxMessage?> ClaimNextAsync(TimeSpan lease, int maxAttempts, IReadOnlyCollection<long> skip, CancellationToken ct = default)
    {
        // A materialised CTE runs the locking select exactly once; inlined, the planner could rescan it.
        await using var cmd = db.CreateCommand("""
            with due as materialized (
                select id, claim_token is not null as interrupted, attempt_started_at as previous_start
                from outbox
                where sent_at is null and gave_up_at is null and next_attempt_at <= @now and attempts < @maxAttempts
                  and id <> all(@skip)
                order by id
                limit 1
                for update skip locked)
            update outbox o set
                attempts = o.attempts + 1,
                interrupted_attempts = o.interrupted_attempts + case when due.interrupted then 1 else 0 end,
                last_error = case when due.interrupted then @interruptedError else o.last_error end,
                claim_token = @token,
                attempt_started_at = @now,
                next_attempt_at = @leaseUntil
            from due
            where o.id = due.id
            returning o.id, o.idempotency_key, o.skolenhetskod, o.recipients, o.subject, o.mime, o.attempts,
                      case when due.interrupted then due.previous_start end
            """);
        var now = time.GetUtcNow();
        var token = Guid.NewGuid();
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("leaseUntil", now + lease);
        cmd.Parameters.AddWithValue("token", token);
        cmd.Parameters.AddWithValue("maxAttempts", maxAttempts);
        cmd.Parameters.AddWithValue("skip", skip.ToArray());
        cmd.Parameters.AddWithValue("interruptedError", InterruptedError);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct))
        {
            return null;
        }

        return new OutboxMessage(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
            r.GetFieldValue<string[]>(3), r.GetString(4), r.GetFieldValue<byte[]>(5), r.GetInt32(6), token,
            r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7));
    }

    /// <summary>
    /// Records delivery. Not conditional on the claim token: the mail has been accepted, whoever holds the message now,
    /// and marking it sent stops any further attempt.
    /// </summary>
    /// <param name="writtenToFile">The message went to an .eml file (dry run), not to a mail server.</param>
    public async Task MarkSentAsync(long id, CancellationToken ct = default, bool writtenToFile = false)
    {
        await using var cmd = db.CreateCommand("""
            update outbox set sent_at = @now, claim_token = null, gave_up_at = null, last_error = null, written_to_file = @file
            where id = @id and sent_at is null
            """);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("file", writtenToFile);
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Records a failed attempt and when to try again; false when the message is no longer this attempt's (its lease ran out).</summary>
    public async Task<bool> RetryLaterAsync(OutboxMessage message, string error, DateTimeOffset retryAt, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update outbox set last_error = @error, next_attempt_at = @next, claim_token = null
            where id = @id and claim_token = @token
            """);
        cmd.Parameters.AddWithValue("error", error);
        cmd.Parameters.AddWithValue("next", retryAt);
        cmd.Parameters.AddWithValue("id", message.Id);
        cmd.Parameters.AddWithValue("token", message.ClaimToken);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Records the last allowed attempt's failure: the message stays, with its error, and is not tried again.</summary>
    public async Task<bool> GiveUpAsync(OutboxMessage message, string error, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update outbox set last_error = @error, gave_up_at = @now, claim_token = null
            where id = @id and claim_token = @token
            """);
        cmd.Parameters.AddWithValue("error", error);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("id", message.Id);
        cmd.Parameters.AddWithValue("token", message.ClaimToken);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Gives up messages that have used all their attempts but were never marked failed: their last attempt was
    /// interrupted (or the limit was lowered since). Only once their lease has run out, so no live attempt is overtaken.
    /// </summary>
    public async Task<IReadOnlyList<GivenUpMessage>> GiveUpExhaustedAsync(int maxAttempts, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update outbox o set
                gave_up_at = @now,
                claim_token = null,
                interrupted_attempts = o.interrupted_attempts + case when o.claim_token is not null then 1 else 0 end,
                last_error = case when o.claim_token is not null then @interruptedError else o.last_error end
            where sent_at is null and gave_up_at is null and next_attempt_at <= @now and attempts >= @maxAttempts
            returning id, idempotency_key, attempts, last_error
            """);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("maxAttempts", maxAttempts);
        cmd.Parameters.AddWithValue("interruptedError", InterruptedError);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var given = new List<GivenUpMessage>();
        while (await r.ReadAsync(ct))
        {
            given.Add(new GivenUpMessage(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3)));
        }

        return given;
    }

    private const string InterruptedError =
        "The previous attempt ended without a recorded outcome (the sender stopped before marking it): the mail may have been delivered.";
}
