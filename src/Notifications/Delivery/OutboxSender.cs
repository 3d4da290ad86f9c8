using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Delivery;

/// <summary>What one delivery pass did: sent, failed and to be retried, failed for the last time.</summary>
public sealed record DeliveryResult(int Sent, int Failed, int GaveUp = 0);

/// <summary>
/// Delivers what the outbox holds, one claimed message at a time, marking each sent once the transport has accepted it.
/// Any number of senders may run at once: a message is only sent by the sender holding its claim. A sender that stops
/// between the server's acceptance and the sent mark leaves the message to be sent again after its lease: at most one
/// duplicate per interruption, with the same Message-Id.
/// </summary>
public sealed class OutboxSender(OutboxStore outbox, IOptions<NotificationOptions> options, TimeProvider time, ILogger<OutboxSender> logger)
{
    /// <summary>
    /// Delivers what is due through the configured transport: SMTP when a host is configured, else (and in a dry run)
    /// .eml files in the dry-run folder. Returns what was done and where to.
    /// </summary>
    public async Task<(DeliveryResult Result, string Transport)> DeliverDueAsync(bool dryRun, CancellationToken ct = default)
    {
        await using var transport = MailTransports.For(options.Value, dryRun);
        return (await DeliverDueAsync(transport, ct), transport.Describe());
    }

    /// <summary>Tries each due message once; returns when none is left that this pass has not tried.</summary>
    public async Task<DeliveryResult> DeliverDueAsync(IMailTransport transport, CancellationToken ct = default)
    {
        var settings = options.Value.Delivery;
        int sent = 0, failed = 0, gaveUp = 0;

        foreach (var given in await outbox.GiveUpExhaustedAsync(settings.MaxAttempts, ct))
        {
            logger.LogError("Outbox message {Id} ({Key}) given up after {Attempts} attempts: {Error}", given.Id, given.IdempotencyKey, given.Attempts, given.LastError);
            gaveUp++;
        }

        var tried = new List<long>();
        while (await outbox.ClaimNextAsync(settings.Lease, settings.MaxAttempts, tried, ct) is { } message)
        {
            tried.Add(message.Id);
            if (message.PreviousAttemptInterrupted)
            {
                logger.LogWarning("Outbox message {Id} ({Key}): the attempt started {Started:yyyy-MM-dd HH:mm:ss zzz} ended without an outcome; sending again " +
                    "with the same Message-Id, so it may arrive twice", message.Id, message.IdempotencyKey, message.InterruptedAttemptStartedAt);
            }

            try
            {
                // Bounded, so the attempt and its mark are over well before the lease lets another sender take the message.
                using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
                attempt.CancelAfter(settings.AttemptTimeout);
                await transport.SendAsync(message, attempt.Token);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                var error = e is OperationCanceledException
                    ? $"No answer within {settings.AttemptTimeout} (Skolnarvaro:Notifications:Delivery:AttemptTimeout)."
                    : $"{e.GetType().Name}: {e.Message}";
                if (message.Attempts >= settings.MaxAttempts)
                {
                    logger.LogError("Outbox message {Id} ({Key}) to {Transport} failed on its last attempt ({Attempt}); given up: {Error}",
                        message.Id, message.IdempotencyKey, transport.Describe(), message.Attempts, error);
                    await outbox.GiveUpAsync(message, error, ct);
                    gaveUp++;
                }
                else
                {
                    var retry = settings.RetryDelay(message.Attempts);
                    logger.LogWarning("Outbox message {Id} ({Key}) to {Transport} failed (attempt {Attempt} of {Max}), retrying in {Retry}: {Error}",
                        message.Id, message.IdempotencyKey, transport.Describe(), message.Attempts, settings.MaxAttempts, retry, error);
                    if (!await outbox.RetryLaterAsync(message, error, time.GetUtcNow() + retry, ct))
                    {
                        logger.LogWarning("Outbox message {Id} ({Key}): the lease ran out during the attempt and another sender holds it now; " +
                            "check that the workers' clocks agree", message.Id, message.IdempotencyKey);
                    }

                    failed++;
                }

                continue;
            }

            // The server has the mail: recording that must not be cancelled halfway, or it would be sent again.
            await outbox.MarkSentAsync(message.Id, CancellationToken.None, writtenToFile: transport is EmlFolderTransport);
            logger.LogInformation("Outbox message {Id} ({Key}) delivered to {Transport}", message.Id, message.IdempotencyKey, transport.Describe());
            sent++;
        }

        if (sent + failed + gaveUp > 0)
        {
            logger.LogInformation("Delivery: {Sent} delivered, {Failed} to retry, {GaveUp} given up", sent, failed, gaveUp);
        }

        return new DeliveryResult(sent, failed, gaveUp);
    }
}
