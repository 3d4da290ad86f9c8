using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Insights.Backtesting;

/// <summary>A candidate configuration that cannot be used; the message names the file, the key and the value.</summary>
public sealed class CandidateConfigurationException(string message) : Exception(message);

/// <summary>
/// Loads a candidate threshold configuration for a back-test. The file is either shaped like appsettings.json
/// (<c>{ "Skolnarvaro": { "Thresholds": { … } } }</c>; other sections are ignored) or is the thresholds section itself
/// (<c>{ "AtRisk": { "AbsenceShare": 0.12 } }</c>). It is layered on the current thresholds: keys it leaves out keep their
/// current value, so a candidate can be the one key an analyst wants to try.
/// </summary>
public static class CandidateThresholds
{
    public static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static ThresholdOptions Load(string path, IConfiguration current, IReadOnlyDictionary<string, string>? registry = null)
    {
        if (!File.Exists(path))
        {
            throw new CandidateConfigurationException($"{path}: file not found.");
        }

        var text = File.ReadAllText(path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CandidateConfigurationException($"{path}: not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}): {e.Message}");
        }

        if (root is not JsonObject obj)
        {
            throw new CandidateConfigurationException($"{path}: expected a JSON object with threshold settings.");
        }

        var rooted = obj.Any(p => string.Equals(p.Key, "Skolnarvaro", StringComparison.OrdinalIgnoreCase))
            ? text
            : $"{{\"Skolnarvaro\":{{\"Thresholds\":{text}}}}}";

        var candidateOnly = Build(null, rooted);
        var errors = ConfigurationKeys.Unknown(candidateOnly.GetSection(ThresholdOptions.Section), typeof(ThresholdOptions)).ToList();
        if (errors.Count > 0)
        {
            throw new CandidateConfigurationException(string.Join(Environment.NewLine, errors.Select(e => $"{path}: {e}")));
        }

        var options = new ThresholdOptions();
        try
        {
            Build(current.GetSection(ThresholdOptions.Section), rooted).GetSection(ThresholdOptions.Section).Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new CandidateConfigurationException($"{path}: {e.Message}");
        }

        errors = options.Validate(registry).ToList();
        if (errors.Count > 0)
        {
            throw new CandidateConfigurationException(string.Join(Environment.NewLine, errors.Select(e => $"{path}: {e}")));
        }

        return options;
    }

    /// <summary>The thresholds as stored in a run record: enums by name.</summary>
    public static string ToJson(ThresholdOptions options) => JsonSerializer.Serialize(options, Json);

    /// <summary>Every key whose value differs between the two, as <c>AtRisk:AbsenceShare</c> with both values ("–" when unset).</summary>
    public static IReadOnlyList<(string Key, string Current, string Candidate)> Differences(ThresholdOptions current, ThresholdOptions candidate)
    {
        var a = Flatten(JsonSerializer.SerializeToNode(current, Json));
        var b = Flatten(JsonSerializer.SerializeToNode(candidate, Json));
        return a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Select(k => (Key: k, Current: a.GetValueOrDefault(k) ?? "–", Candidate: b.GetValueOrDefault(k) ?? "–"))
            .Where(d => d.Current != d.Candidate)
            .ToList();
    }

    private static IConfigurationRoot Build(IConfigurationSection? current, string rootedJson)
    {
        var builder = new ConfigurationBuilder();
        if (current is not null)
        {
            builder.AddInMemoryCollection(current.AsEnumerable().Where(kv => kv.Value is not null));
        }

        return builder.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(rootedJson))).Build();
    }

    private static Dictionary<string, string?> Flatten(JsonNode? node)
    {
        var flat = new Dictionary<string, string?>(StringComparer.Ordinal);
        void Walk(JsonNode? n, string prefix)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                    {
                        Walk(v, prefix.Length == 0 ? k : $"{prefix}:{k}");
                    }

                    break;
                case null:
                    break;
                default:
                    flat[prefix] = n is JsonValue v2 && v2.TryGetValue<double>(out var d)
                        ? d.ToString(CultureInfo.InvariantCulture)
                        : n.ToJsonString().Trim('"');
                    break;
            }
        }

        Walk(node, "");
        return flat;
    }
}
