using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// In demo mode, the sample's trend model: the sample holds one term, too little to train on, so a model trained on earlier
/// generated terms ships beside it and is put in the registry by the first run — only when the registry holds no model at
/// all, so a model someone trained or imported is never replaced.
/// </summary>
public sealed class DemoTrendModel(IOptions<DemoOptions> demo, TrendModelStore models)
{
    /// <summary>What was done, for the command line; null when nothing was.</summary>
    public async Task<string?> EnsureAsync(CancellationToken ct = default)
    {
        if (demo.Value is not { Enabled: true, TrendModelFile: { Length: > 0 } file })
        {
            return null;
        }

        var path = Path.GetFullPath(file, WorkerHost.Home);
        if (!File.Exists(path) || (await models.ListAsync(ct)).Count > 0)
        {
            return null;
        }

        var (model, error) = await TrendModelFile.ReadAsync(path, ct);
        if (model is null)
        {
            return $"Demo trend model not used: {error}";
        }

        long version;
        try
        {
            version = await models.ImportAsync(model.Info, model.Model, Path.GetFileName(path), ct);
        }
        catch (TrendTrainingException e)
        {
            return $"Demo trend model not used: {path}: {e.Message} Run scripts/sample-model.sh.";
        }

        await models.ActivateAsync(version, "Activated as the sample's model (demo mode).", ct);
        return $"Demo mode: the sample's trend model {Path.GetFileName(path)} (trained {model.Info.TrainedFrom:yyyy-MM-dd} – {model.Info.TrainedTo:yyyy-MM-dd} " +
               $"on earlier generated terms) is now active as v{version}.";
    }
}
