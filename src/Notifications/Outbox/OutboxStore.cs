using Npgsql;

namespace Skolnarvaro.Notifications.Outbox;

public sealed record OutboxMessage(long Id, string IdempotencyKey, string? Skolenhetskod, string[] Recipients, string Subject, byte[] Mime, int Attempts);

/// <summary>
/// The outbox: a digest is recorded once (idempotency key per school and run), in the same transaction as the flags
/// it reports, and stays until it has been delivered and marked sent.
/// </summary>
public sealed class OutboxStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>Records a message on the caller's transaction; a second call with the same key changes nothing.</summary>
    public async Task<bool> EnqueueAsync(
        NpgsqlConnection conn, string idempotencyKey, long? runId, string? school, IReadOnlyList<string> recipients, string subject, byte[] mime,
        CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            insert into outbox (idempotency_key, run_id, skolenhetskod, recipients, subject, mime, created_at, next_attempt_at)
            values (@key, @run, @school, @recipients, @subject, @mime, @now, @now)
            on conflict (idempotency_key) do nothing
            """, conn);
        cmd.Parameters.AddWithValue("key", idempotencyKey);
        cmd.Parameters.AddWithValue("run", (object?)runId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("school", (object?)school ?? DBNull.Value);
        cmd.Parameters.AddWithValue("recipients", recipients.ToArray());
        cmd.Parameters.AddWithValue("subject", subject);
        cmd.Parameters.AddWithValue("mime", mime);
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages by pushing their next attempt into the future, so a second
    /// sender skips them. A sender that dies leaves them to be claimed again after <paramref name="lease"/>.
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(int limit, TimeSpan lease, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            update outbox o set next_attempt_at = @leaseUntil, attempts = o.attempts + 1
            from (select id from outbox where sent_at is null and next_attempt_at <= @now
                  order by id limit @limit for update skip locked) due
            where o.id = due.id
            returning o.id, o.idempotency_key, o.skolenhetskod, o.recipients, o.subject, o.mime, o.attempts
            """);
        var now = time.GetUtcNow();
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("leaseUntil", now + lease);
        cmd.Parameters.AddWithValue("limit", limit);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var messages = new List<OutboxMessage>();
        while (await r.ReadAsync(ct))
        {
            messages.Add(new OutboxMessage(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
                r.GetFieldValue<string[]>(3), r.GetString(4), r.GetFieldValue<byte[]>(5), r.GetInt32(6)));
        }

        return messages.OrderBy(m => m.Id).ToList();
    }

    public async Task MarkSentAsync(long id, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("update outbox set sent_at = @now, last_error = null where id = @id and sent_at is null");
        cmd.Parameters.AddWithValue("now", time.GetUtcNow());
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task MarkFailedAsync(long id, string error, TimeSpan retryAfter, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("update outbox set last_error = @error, next_attempt_at = @next where id = @id and sent_at is null");
        cmd.Parameters.AddWithValue("error", error);
        cmd.Parameters.AddWithValue("next", time.GetUtcNow() + retryAfter);
        cmd.Parameters.AddWithValue("id", id);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
