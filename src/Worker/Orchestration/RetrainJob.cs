using System.ComponentModel;
using Hangfire;
using Microsoft.Extensions.Logging;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// The weekly retraining: a new trend model on all history so far, activated only when it is at least as good as the
/// active one on the same held-out period (the gate of <see cref="TrendTrainer"/>). A retraining that cannot train (too
/// little history) fails visibly, in the dashboard and in <c>status</c>, with the reason; it is not retried, as a retry
/// would find the same history. The nightly run goes on with the thresholds (and any active model) meanwhile.
/// </summary>
public sealed class RetrainJob(TrendTrainer trainer, ILogger<RetrainJob> logger)
{
    [DisplayName("Retrain the trend model")]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task TrainAsync(CancellationToken ct)
    {
        try
        {
            var result = await trainer.TrainAndMaybeActivateAsync(new TrendTrainingRequest(), ct: ct);
            logger.LogInformation("Trend model v{Version} trained on {From:yyyy-MM-dd}–{To:yyyy-MM-dd}: held-out AUC {Auc:0.000} (active v{Previous}: {PreviousAuc:0.000}); {Decision}",
                result.Version, result.From, result.To, result.HeldOutAuc, result.PreviousVersion, result.PreviousAuc, result.Decision);
        }
        catch (TrendTrainingException e)
        {
            logger.LogError("Trend model not retrained: {Reason}", e.Message);
            throw new InvalidOperationException($"The trend model could not be retrained: {e.Message}", e);
        }
    }
}
