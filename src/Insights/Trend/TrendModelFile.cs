using System.Text.Json;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>A model and its registry record in one JSON file: what <c>models export</c> writes and <c>models import</c> reads.</summary>
public sealed record TrendModelFile(TrendModelInfo Info, byte[] Model)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The file's model, or why it is not one (a message naming the file).</summary>
    public static async Task<(TrendModelFile? File, string? Error)> ReadAsync(string path, CancellationToken ct = default)
    {
        TrendModelFile? file;
        try
        {
            file = JsonSerializer.Deserialize<TrendModelFile>(await File.ReadAllTextAsync(path, ct));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return (null, $"{path}: not a model file written by `models export` ({e.Message}).");
        }

        return file?.Info is null || file.Model is null
            ? (null, $"{path}: not a model file written by `models export` (no record or no model).")
            : (file, null);
    }
}
