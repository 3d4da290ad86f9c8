using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Tests.Delivery;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Notifications.Tests.Outbox;

/// <summary>The outbox's own guarantees: recorded once, and only the current claim may reschedule a message.</summary>
public sealed class OutboxStoreTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(4);

    private readonly ManualClock clock = new(new DateTimeOffset(2026, 11, 20, 5, 0, 0, TimeSpan.Zero));
    private OutboxHarness outbox = null!;

    public async Task InitializeAsync()
    {
        await db.ResetAsync();
        outbox = new OutboxHarness(db.DataSource, clock);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_runs_mails_are_listed_as_sent_waiting_to_retry_or_given_up()
    {
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        await outbox.EnqueueDigestAsync("22222222", "Björkskolan", 1, ("Bo Ek", "rektor@bjorkskolan.example.se"));
        await outbox.EnqueueDigestAsync("33333333", "Tallskolan", 1, ("Cia Al", "rektor@tallskolan.example.se"));
        var first = (await outbox.Store.ClaimNextAsync(Lease, 10, []))!;
        await outbox.Store.MarkSentAsync(first.Id);
        var second = (await outbox.Store.ClaimNextAsync(Lease, 10, [first.Id]))!;
        await outbox.Store.RetryLaterAsync(second, "SMTP 451", clock.Now.AddMinutes(5), default);
        var third = (await outbox.Store.ClaimNextAsync(Lease, 10, [first.Id, second.Id]))!;
        await outbox.Store.GiveUpAsync(third, "SMTP 550", default);

        var runId = await RunOfAllMailsAsync();

        var mails = await outbox.Store.ForRunAsync(runId);

        mails.Select(m => (m.Skolenhetskod, m.State)).Should().Equal(
            ("11111111", DeliveryState.Sent), ("22222222", DeliveryState.Retrying), ("33333333", DeliveryState.GivenUp));
        mails[1].LastError.Should().Be("SMTP 451");
        mails[1].NextAttemptAt.Should().Be(clock.Now.AddMinutes(5));
        mails.Should().OnlyContain(m => m.Recipients == 1 && m.Attempts == 1);
    }

    [Fact]
    public async Task A_mail_written_as_an_eml_file_is_listed_as_written_to_file_and_one_sent_by_smtp_as_sent()
    {
        using var folder = TestFiles.CreateTempDirectory("eml");
        using var smtp = SmtpSink.StartNew();
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        await using (var eml = new Skolnarvaro.Notifications.Delivery.EmlFolderTransport(folder.Path))
        {
            (await outbox.Sender().DeliverDueAsync(eml)).Sent.Should().Be(1);
        }

        await outbox.EnqueueDigestAsync("22222222", "Björkskolan", 1, ("Bo Ek", "rektor@bjorkskolan.example.se"));
        await using (var server = new Skolnarvaro.Notifications.Delivery.SmtpTransport(OutboxHarness.PlainSmtp(smtp)))
        {
            (await outbox.Sender().DeliverDueAsync(server)).Sent.Should().Be(1);
        }

        var runId = await RunOfAllMailsAsync();

        (await outbox.Store.ForRunAsync(runId)).Select(m => (m.Skolenhetskod, m.State)).Should().Equal(
            ("11111111", DeliveryState.WrittenToFile), ("22222222", DeliveryState.Sent));
    }

    private async Task<long> RunOfAllMailsAsync()
    {
        long runId;
        await using (var cmd = db.DataSource.CreateCommand("""
            insert into run (kind, started_at, as_of, status, config_json, config_sha256) values ('nightly', now(), '2026-11-20', 'Succeeded', '{}', '')
            returning id
            """))
        {
            runId = (long)(await cmd.ExecuteScalarAsync())!;
        }

        await using (var cmd = db.DataSource.CreateCommand("update outbox set run_id = @run"))
        {
            cmd.Parameters.AddWithValue("run", runId);
            await cmd.ExecuteNonQueryAsync();
        }

        return runId;
    }

    [Fact]
    public async Task Recording_the_same_digest_twice_keeps_one_outbox_row()
    {
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));

        (await outbox.RowsAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task A_claimed_message_is_not_claimed_again_until_its_lease_has_run_out()
    {
        await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));

        var claim = await outbox.Store.ClaimNextAsync(Lease, 10, []);
        claim.Should().NotBeNull();
        (await outbox.Store.ClaimNextAsync(Lease, 10, [])).Should().BeNull();
        clock.Advance(Lease - TimeSpan.FromSeconds(1));
        (await outbox.Store.ClaimNextAsync(Lease, 10, [])).Should().BeNull();

        clock.Advance(TimeSpan.FromSeconds(1));
        var again = await outbox.Store.ClaimNextAsync(Lease, 10, []);
        again.Should().NotBeNull();
        again!.Attempts.Should().Be(2);
        again.PreviousAttemptInterrupted.Should().BeTrue();
        again.ClaimToken.Should().NotBe(claim!.ClaimToken);
    }

    [Fact]
    public async Task A_sender_whose_lease_ran_out_cannot_reschedule_or_give_up_a_message_another_sender_now_holds()
    {
        var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        var stale = (await outbox.Store.ClaimNextAsync(Lease, 10, []))!;
        clock.Advance(Lease);
        var current = (await outbox.Store.ClaimNextAsync(Lease, 10, []))!;

        (await outbox.Store.RetryLaterAsync(stale, "late failure", clock.Now, default)).Should().BeFalse();
        (await outbox.Store.GiveUpAsync(stale, "late failure", default)).Should().BeFalse();

        var row = await outbox.RowAsync(key);
        row.ClaimToken.Should().Be(current.ClaimToken);
        row.NextAttemptAt.Should().Be(clock.Now + Lease, "the current sender's lease stands");
        row.GaveUpAt.Should().BeNull();
    }

    [Fact]
    public async Task A_message_whose_last_allowed_attempt_was_interrupted_is_given_up_once_its_lease_has_run_out()
    {
        var key = await outbox.EnqueueDigestAsync("11111111", "Ängsskolan", 1, ("Åke Öst", "rektor@angsskolan.example.se"));
        (await outbox.Store.ClaimNextAsync(Lease, maxAttempts: 1, [])).Should().NotBeNull();

        (await outbox.Store.GiveUpExhaustedAsync(maxAttempts: 1)).Should().BeEmpty("its sender may still be at work");
        clock.Advance(Lease);
        (await outbox.Store.GiveUpExhaustedAsync(maxAttempts: 1)).Should().ContainSingle().Which.IdempotencyKey.Should().Be(key);

        var row = await outbox.RowAsync(key);
        row.Should().BeEquivalentTo(new { Attempts = 1, InterruptedAttempts = 1, GaveUpAt = (DateTimeOffset?)clock.Now, SentAt = (DateTimeOffset?)null });
        row.LastError.Should().Contain("may have been delivered");
        (await outbox.Store.ClaimNextAsync(Lease, maxAttempts: 10, [])).Should().BeNull("a message given up is not claimed again");
    }
}
