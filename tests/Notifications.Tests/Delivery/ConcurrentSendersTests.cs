using MimeKit;
using Npgsql;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Delivery;

/// <summary>Two worker processes delivering the same outbox at once: the claim decides who sends what.</summary>
public sealed class ConcurrentSendersTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_senders_running_at_once_deliver_every_digest_exactly_once()
    {
        using var smtp = SmtpSink.StartNew();
        var keys = await new OutboxHarness(db.DataSource, TimeProvider.System).EnqueueSchoolsAsync(40);

        // Separate data sources: separate connection pools, as two worker processes would have.
        await using var first = NpgsqlDataSource.Create(db.ConnectionString);
        await using var second = NpgsqlDataSource.Create(db.ConnectionString);
        var results = await Task.WhenAll(DeliverAsync(first, smtp), DeliverAsync(second, smtp));

        results.Sum(r => r.Sent).Should().Be(40);
        results.Should().OnlyContain(r => r.Sent > 0, "both senders take part");
        var mails = await smtp.WaitForMessagesAsync(40, TimeSpan.FromSeconds(10));
        mails.Select(m => MimeMessage.Load(new MemoryStream(m.Raw)).MessageId)
            .Should().BeEquivalentTo(keys.Select(k => $"{k}@skolnarvaro"), "no digest is sent twice");
        (await new OutboxHarness(db.DataSource, TimeProvider.System).RowsAsync())
            .Should().OnlyContain(r => r.SentAt != null && r.Attempts == 1);
    }

    private static async Task<DeliveryResult> DeliverAsync(NpgsqlDataSource db, SmtpSink smtp)
    {
        await using var transport = new SlowTransport(new SmtpTransport(OutboxHarness.PlainSmtp(smtp)));
        return await new OutboxHarness(db, TimeProvider.System).Sender().DeliverDueAsync(transport);
    }

    /// <summary>Real SMTP, a little slower, so that the two senders certainly overlap.</summary>
    private sealed class SlowTransport(IMailTransport inner) : IMailTransport
    {
        public string Describe() => inner.Describe();

        public async Task SendAsync(OutboxMessage message, CancellationToken ct)
        {
            await Task.Delay(20, ct);
            await inner.SendAsync(message, ct);
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
