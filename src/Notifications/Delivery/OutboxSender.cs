using Microsoft.Extensions.Logging;
using Skolnarvaro.Notifications.Outbox;

namespace Skolnarvaro.Notifications.Delivery;

public sealed record DeliveryResult(int Sent, int Failed);

/// <summary>Delivers what the outbox holds, marking each message sent after the transport has accepted it.</summary>
public sealed class OutboxSender(OutboxStore outbox, ILogger<OutboxSender> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public async Task<DeliveryResult> DeliverDueAsync(IMailTransport transport, CancellationToken ct = default)
    {
        int sent = 0, failed = 0;
        while (true)
        {
            var batch = await outbox.ClaimDueAsync(50, Lease, ct);
            if (batch.Count == 0)
            {
                return new DeliveryResult(sent, failed);
            }

            foreach (var message in batch)
            {
                try
                {
                    await transport.SendAsync(message, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // Back off exponentially: 1, 2, 4 … minutes, at most an hour.
                    var retry = TimeSpan.FromMinutes(Math.Min(60, Math.Pow(2, Math.Max(0, message.Attempts - 1))));
                    logger.LogWarning("Outbox message {Id} to {Transport} failed (attempt {Attempt}), retrying in {Retry}: {Error}",
                        message.Id, transport.Describe(), message.Attempts, retry, e.Message);
                    await outbox.MarkFailedAsync(message.Id, e.Message, retry, ct);
                    failed++;
                    continue;
                }

                await outbox.MarkSentAsync(message.Id, ct);
                sent++;
            }

            if (failed > 0)
            {
                return new DeliveryResult(sent, failed);
            }
        }
    }
}
