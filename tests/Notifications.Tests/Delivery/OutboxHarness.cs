using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Delivery;

/// <summary>A clock the test moves by hand, for back-off and leases.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>One outbox row as ops would query it.</summary>
public sealed record OutboxRow(
    string Key, int Attempts, int InterruptedAttempts, string? LastError, DateTimeOffset NextAttemptAt, DateTimeOffset? SentAt,
    DateTimeOffset? GaveUpAt, Guid? ClaimToken);

/// <summary>
/// Records digests in the real outbox the way the nightly run does (a school row, a composed MIME message, one
/// transaction) and builds the real store and sender on a given data source and clock.
/// </summary>
public sealed class OutboxHarness(NpgsqlDataSource db, TimeProvider clock)
{
    public const string From = "skolnarvaro@exempelstad.example.se";

    public static readonly DeliverySettings Delivery = new()
    {
        MaxAttempts = 4,
        RetryBaseDelay = TimeSpan.FromMinutes(1),
        RetryMaxDelay = TimeSpan.FromMinutes(3),
        AttemptTimeout = TimeSpan.FromSeconds(20),
    };

    public OutboxStore Store { get; } = new(db, clock);

    public OutboxSender Sender(DeliverySettings? delivery = null) =>
        new(Store, Options.Create(new NotificationOptions { Delivery = delivery ?? Delivery }), clock, NullLogger<OutboxSender>.Instance);

    public static SmtpSettings PlainSmtp(SmtpSink sink) => new() { Host = sink.Host, Port = sink.Port, Security = SmtpSecurity.None };

    public static string Subject(string schoolName) => $"Frånvarosignaler för {schoolName}: två elever – åtgärd krävs";

    public static string Text(string schoolName) =>
        $"Hej rektor på {schoolName}!\n\nÅsa Ö., 7B: hög frånvaro sedan 2 november (23 % av schemalagd tid).\n" +
        "Björn Ä., 8C: riskfrånvaro, ströfrånvaro på måndagar.\n\nSkollagen: utred skyndsamt och anmäl till huvudmannen.\n";

    public static string Html(string schoolName) =>
        $"<html><body><h1>{schoolName}</h1><p>Åsa Ö., 7B: <strong>hög frånvaro</strong> sedan 2 november.</p>" +
        "<p>Björn Ä., 8C: riskfrånvaro.</p></body></html>";

    /// <summary>Records one digest for a school and run, as the nightly run does; returns its idempotency key.</summary>
    public async Task<string> EnqueueDigestAsync(string skolenhetskod, string schoolName, long run, params (string Name, string Email)[] rektorer)
    {
        var key = $"digest-{skolenhetskod}-run{run}";
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await using (var school = new NpgsqlCommand("""
            insert into school (skolenhetskod, name, driftsform, huvudman) values (@code, @name, 'Municipal', 'Testkommunen')
            on conflict do nothing
            """, conn))
        {
            school.Parameters.AddWithValue("code", skolenhetskod);
            school.Parameters.AddWithValue("name", schoolName);
            await school.ExecuteNonQueryAsync();
        }

        var mime = DigestMail.Compose("Skolnärvaro – tidig varning", From, rektorer,
            new RenderedDigest(Subject(schoolName), Html(schoolName), Text(schoolName)), key, clock.GetUtcNow());
        await Store.EnqueueAsync(conn, key, null, skolenhetskod, rektorer.Select(r => r.Email).ToList(), Subject(schoolName), mime);
        await tx.CommitAsync();
        return key;
    }

    public async Task<IReadOnlyList<string>> EnqueueSchoolsAsync(int count)
    {
        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var code = (10000000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture);
            keys.Add(await EnqueueDigestAsync(code, $"Skola {i}", 1, ($"Rektor {i}", $"rektor{i}@skola.example.se")));
        }

        return keys;
    }

    public async Task<OutboxRow> RowAsync(string key) => (await RowsAsync()).Single(r => r.Key == key);

    public async Task<IReadOnlyList<OutboxRow>> RowsAsync()
    {
        await using var cmd = db.CreateCommand("""
            select idempotency_key, attempts, interrupted_attempts, last_error, next_attempt_at, sent_at, gave_up_at, claim_token
            from outbox order by id
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<OutboxRow>();
        while (await r.ReadAsync())
        {
            rows.Add(new OutboxRow(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6), r.IsDBNull(7) ? null : r.GetGuid(7)));
        }

        return rows;
    }
}
