using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using Skolnarvaro.Notifications.Delivery;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Delivery;

/// <summary>An SMTP outage: the outbox keeps every digest, backs off, and delivers each exactly once when the server is back.</summary>
public sealed class OutageAndRetryTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly ManualClock clock = new(new DateTimeOffset(2026, 11, 20, 5, 0, 0, TimeSpan.Zero));
    private OutboxHarness outbox = null!;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        outbox = new OutboxHarness(db.DataSource, clock);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task While_the_server_is_down_the_outbox_keeps_every_digest_and_delivers_each_exactly_once_when_it_is_back()
    {
        using var smtp = SmtpSink.StartNew();
        smtp.Stop();
        var keys = await outbox.EnqueueSchoolsAsync(3);

        (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(0, 3));

        (await outbox.RowsAsync()).Should().AllSatisfy(row =>
        {
            row.SentAt.Should().BeNull();
            row.Attempts.Should().Be(1);
            row.LastError.Should().NotBeNullOrEmpty();
            row.NextAttemptAt.Should().Be(clock.Now + OutboxHarness.Delivery.RetryBaseDelay);
            row.ClaimToken.Should().BeNull("the attempt is over");
        });
        (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(0, 0), "nothing is due before the back-off has passed");

        smtp.Start();
        clock.Advance(OutboxHarness.Delivery.RetryBaseDelay);
        (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(3, 0));
        clock.Advance(TimeSpan.FromDays(1));
        (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(0, 0));

        var ids = (await smtp.WaitForMessagesAsync(3, TimeSpan.FromSeconds(10)))
            .Select(m => MimeMessage.Load(new MemoryStream(m.Raw)).MessageId);
        ids.Should().BeEquivalentTo(keys.Select(k => $"{k}@skolnarvaro"), "each digest arrives exactly once");
        (await outbox.RowsAsync()).Should().AllSatisfy(row =>
        {
            row.SentAt.Should().NotBeNull();
            row.Attempts.Should().Be(2);
            row.LastError.Should().BeNull();
        });
    }

    [Fact]
    public async Task Retries_back_off_exponentially_up_to_the_maximum_and_the_last_failure_gives_the_message_up()
    {
        using var smtp = SmtpSink.StartNew();
        smtp.Stop();
        var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));

        // MaxAttempts 4, base 1 min, max 3 min: waits of 1, 2 and 3 (not 4) minutes, then given up.
        var waits = new List<TimeSpan>();
        for (var attempt = 1; attempt < OutboxHarness.Delivery.MaxAttempts; attempt++)
        {
            (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(0, 1));
            var row = await outbox.RowAsync(key);
            row.Attempts.Should().Be(attempt);
            waits.Add(row.NextAttemptAt - clock.Now);
            clock.Advance(row.NextAttemptAt - clock.Now);
        }

        waits.Should().Equal(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3));
        (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(0, 0, GaveUp: 1));

        var givenUp = await outbox.RowAsync(key);
        givenUp.GaveUpAt.Should().Be(clock.Now);
        givenUp.Attempts.Should().Be(4);
        givenUp.LastError.Should().Contain("refused", "ops see why it was given up");

        smtp.Start();
        clock.Advance(TimeSpan.FromDays(1));
        (await DeliverAsync(smtp)).Should().Be(new DeliveryResult(0, 0), "a message given up is not retried automatically");
        smtp.Messages.Should().BeEmpty();
    }

    [Fact]
    public async Task A_server_that_accepts_the_connection_but_never_answers_costs_one_attempt_timeout_and_the_digest_waits_for_a_retry()
    {
        var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        try
        {
            var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
            var delivery = new DeliverySettings { MaxAttempts = 4, AttemptTimeout = TimeSpan.FromSeconds(1) };
            var port = ((IPEndPoint)silent.LocalEndpoint).Port;
            await using var transport = new SmtpTransport(new SmtpSettings { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None });

            var elapsed = Stopwatch.StartNew();
            (await outbox.Sender(delivery).DeliverDueAsync(transport)).Should().Be(new DeliveryResult(0, 1));

            elapsed.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the attempt timeout, not MailKit's 30 s per step, bounds the attempt");
            var row = await outbox.RowAsync(key);
            row.LastError.Should().Be("No answer within 00:00:01 (Skolnarvaro:Notifications:Delivery:AttemptTimeout).");
            row.NextAttemptAt.Should().Be(clock.Now + delivery.RetryBaseDelay);
        }
        finally
        {
            silent.Stop();
        }
    }

    private async Task<DeliveryResult> DeliverAsync(SmtpSink smtp)
    {
        await using var transport = new SmtpTransport(OutboxHarness.PlainSmtp(smtp));
        return await outbox.Sender().DeliverDueAsync(transport);
    }
}
