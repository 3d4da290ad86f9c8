using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Skolnarvaro.Schools;

/// <summary>
/// What every stage relies on in each entry: a skolenhetskod of 8 digits listed once, a name, a driftsform the pipeline
/// knows, and rektorer to write to at well-formed addresses. A school the pipeline would otherwise skip without a word, or
/// warn about only at night, stops the start (exit 2) with the key and the value named.
/// </summary>
public sealed partial class SchoolRegistryValidator : IValidateOptions<SchoolRegistryOptions>
{
    public ValidateOptionsResult Validate(string? name, SchoolRegistryOptions options)
    {
        var errors = Problems(options.Schools).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Problems of the entries, each naming its key; empty when there are none.</summary>
    public static IEnumerable<string> Problems(IReadOnlyList<SchoolEntry> schools)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schools.Count; i++)
        {
            foreach (var problem in Problems(schools[i], $"{SchoolRegistryOptions.Section}:Schools:{i}", seen))
            {
                yield return problem;
            }
        }
    }

    /// <summary>Municipal or Independent in any case; null for anything else (a number too, which the enum would take).</summary>
    public static Driftsform? ParseDriftsform(string? value) =>
        Enum.TryParse<Driftsform>(value, ignoreCase: true, out var form) && !int.TryParse(value, out _) ? form : null;

    private static IEnumerable<string> Problems(SchoolEntry s, string at, HashSet<string> seen)
    {
        var code = s.Skolenhetskod ?? "";
        if (!EightDigits().IsMatch(code))
        {
            yield return $"{at}:Skolenhetskod = '{code}': expected 8 digits.";
        }
        else if (!seen.Add(code))
        {
            yield return $"{at}:Skolenhetskod = '{code}': listed twice.";
        }

        if (string.IsNullOrWhiteSpace(s.Name))
        {
            yield return $"{at}:Name is missing.";
        }

        var named = s.Name ?? s.Skolenhetskod ?? "";
        if (ParseDriftsform(s.Driftsform) is null)
        {
            yield return $"{at}:Driftsform = '{s.Driftsform}' ({named}): expected Municipal (kommunal) or Independent (fristående).";
        }

        foreach (var problem in Recipients(s.Rektorer, $"{at}:Rektorer", s.Name ?? "")
                     .Concat(Recipients(s.Elevhalsan, $"{at}:Elevhalsan", s.Name ?? ""))
                     .Concat(Recipients(s.Skolnarvaroteam, $"{at}:Skolnarvaroteam", s.Name ?? "")))
        {
            yield return problem;
        }

        if (!s.Rektorer.Any(r => !string.IsNullOrWhiteSpace(r.Email)))
        {
            yield return $"{at}:Rektorer ({named}): no rektor with an e-mail address; the school's digests would reach nobody.";
        }
    }

    /// <summary>A mistyped address is caught at start, naming its key, not after a night of retries.</summary>
    private static IEnumerable<string> Recipients(List<RecipientEntry> group, string at, string school)
    {
        for (var j = 0; j < group.Count; j++)
        {
            if (!EmailAddress.IsValid(group[j].Email))
            {
                yield return $"{at}:{j}:Email = '{group[j].Email}' ({school}): not an e-mail address.";
            }
        }
    }

    [GeneratedRegex("^[0-9]{8}$")]
    private static partial Regex EightDigits();
}
