using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>The registry's models and what the nightly run makes of them now.</summary>
public sealed record ModelListing(IReadOnlyList<TrendModelInfo> Models, string NightlyRun);

/// <summary>Why a registry request was not carried out, in one line for the analyst.</summary>
public sealed class ModelRefusedException(string message) : Exception(message);

/// <summary>
/// The service behind <c>models</c>: lists the trend models, activates one by hand, and moves a model between databases
/// as a file (<see cref="TrendModelFile"/>). The registry itself is the night's <see cref="TrendModelStore"/>.
/// </summary>
public sealed class ModelRegistry(TrendModelStore store, TrendScoring scoring, TimeProvider time)
{
    public async Task<ModelListing> ListAsync(CancellationToken ct) =>
        new(await store.ListAsync(ct), (await scoring.StatusAsync(ct)).Summary);

    /// <summary>Makes <paramref name="version"/> the active model; returns what the nightly run now scores with.</summary>
    public async Task<string> ActivateAsync(long version, CancellationToken ct)
    {
        if (!await store.ActivateAsync(version, $"Activated by hand {time.GetUtcNow():yyyy-MM-dd}.", ct))
        {
            throw NoSuchModel(version);
        }

        return (await scoring.StatusAsync(ct)).Summary;
    }

    /// <param name="reproducible">Leave out times and durations, so the same facts and seed write the same file.</param>
    public async Task ExportAsync(long version, string path, bool reproducible, CancellationToken ct)
    {
        var info = await store.GetAsync(version, ct) ?? throw NoSuchModel(version);
        var record = reproducible ? info.Reproducible() : info;
        var json = new TrendModelFile(record, await store.BytesAsync(version, ct)).ToJson();
        await DeskFiles.WriteAllAsync([DeskFile.Text(path, json, ct)]);
    }

    /// <summary>Adds the file's model, inactive; returns its version here.</summary>
    public async Task<long> ImportAsync(string path, CancellationToken ct)
    {
        var (exported, error) = await TrendModelFile.ReadAsync(path, ct);
        if (exported is null)
        {
            throw new ModelRefusedException(error!);
        }

        try
        {
            return await store.ImportAsync(exported.Info, exported.Model, Path.GetFileName(path), ct);
        }
        catch (TrendTrainingException e)
        {
            throw new ModelRefusedException($"{path}: {e.Message}");
        }
    }

    private static ModelRefusedException NoSuchModel(long version) => new($"No model v{version}; `skolnarvaro models` lists them.");
}
