using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// The weekly retraining: a new trend model on all history so far, activated only when it is at least as good as the
/// active one on the same held-out period (the gate of <see cref="TrendTrainer"/>). Too little history is not a failure
/// to retry: the job says so and the nightly run goes on with the thresholds (and any active model).
/// </summary>
public sealed class RetrainJob(TrendTrainer trainer, ILogger<RetrainJob> logger)
{
    [DisplayName("Retrain the trend model")]
    public async Task TrainAsync(CancellationToken ct)
    {
        try
        {
            var result = await trainer.TrainAndMaybeActivateAsync(new TrendTrainingRequest(), ct: ct);
            logger.LogInformation("Trend model v{Version} trained on {From}–{To}: held-out AUC {Auc:0.000} (active v{Previous}: {PreviousAuc:0.000}); {Decision}",
                result.Version, result.From, result.To, result.HeldOutAuc, result.PreviousVersion, result.PreviousAuc, result.Decision);
        }
        catch (TrendTrainingException e)
        {
            logger.LogWarning("Trend model not retrained: {Reason}", e.Message);
        }
    }
}
