using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Skolnarvaro.Ingestion.Profiles;

namespace Skolnarvaro.Ingestion.Schools;

/// <summary>
/// Checks of the school registry that binding cannot make: the file parses, each school's driftsform is one the
/// pipeline knows, each school has a rektor to write to, each inbox exists. A school the pipeline would otherwise skip
/// without a word, or warn about only at night, stops the start (exit 2) with the key named.
/// </summary>
public static class SchoolRegistryCheck
{
    /// <summary>The schools file as JSON: a syntax error is one line naming the file, line and position.</summary>
    public static void ParseFile(string path, string key)
    {
        try
        {
            using var _ = JsonDocument.Parse(File.ReadAllBytes(path),
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.');
            throw new ProfileConfigurationException(
                $"{key} = '{path}': not valid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {reason}.");
        }
    }

    /// <summary>Problems of the registry's schools, each naming its key; empty when there are none.</summary>
    public static IEnumerable<string> Problems(IngestionOptions options, IConfiguration configuration)
    {
        var schools = configuration.GetSection(IngestionOptions.Section).GetSection("Schools").GetChildren().ToList();
        for (var i = 0; i < schools.Count; i++)
        {
            var school = schools[i];
            var at = $"Skolnarvaro:Schools:{i}";
            var name = school["Name"] ?? school["Skolenhetskod"] ?? "";
            var driftsform = school["Driftsform"];
            if (!Enum.TryParse<Driftsform>(driftsform, ignoreCase: true, out _) || int.TryParse(driftsform, out _))
            {
                yield return $"{at}:Driftsform = '{driftsform}' ({name}): expected Municipal (kommunal) or Independent (fristående).";
            }

            var rectors = school.GetSection("Rectors").GetChildren().ToList();
            if (!rectors.Any(r => !string.IsNullOrWhiteSpace(r["Email"])))
            {
                yield return $"{at}:Rectors ({name}): no rektor with an e-mail address; the school's digests would reach nobody.";
            }
        }

        for (var i = 0; i < options.Schools.Count; i++)
        {
            var s = options.Schools[i];
            if (!string.IsNullOrWhiteSpace(s.Inbox) && !Directory.Exists(Path.GetFullPath(s.Inbox, options.BaseDirectory)))
            {
                yield return $"Skolnarvaro:Schools:{i}:Inbox = '{s.Inbox}' ({s.Name}): folder not found ({Path.GetFullPath(s.Inbox, options.BaseDirectory)}).";
            }
        }
    }
}
