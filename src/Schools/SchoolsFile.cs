using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Skolnarvaro.Schools;

/// <summary>The school registry's own file (Skolnarvaro:SchoolsFile), which analysts keep apart from technical settings.</summary>
public static class SchoolsFile
{
    public const string Key = "Skolnarvaro:SchoolsFile";

    /// <summary>The file as JSON: a syntax error stops the start in one line naming the file, line and position.</summary>
    public static void CheckSyntax(string path)
    {
        try
        {
            using var _ = JsonDocument.Parse(File.ReadAllBytes(path),
                new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var reason = e.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.');
            throw new OptionsValidationException(SchoolRegistryOptions.Section, typeof(SchoolRegistryOptions),
                [$"{Key} = '{path}': not valid JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {reason}."]);
        }
    }
}
