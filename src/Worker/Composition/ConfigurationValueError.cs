using System.Text.RegularExpressions;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// A configuration value the binder could not convert ("Failed to convert configuration value 'abc' at 'Skolnarvaro:…' to
/// type 'System.Double'") in the product's words: the key, the value and what is expected, without a .NET type name.
/// </summary>
public static partial class ConfigurationValueError
{
    /// <summary>The one line for the binder's message, or null when the message is not the binder's conversion failure.</summary>
    public static string? Describe(string message)
    {
        var m = Failed().Match(message);
        return m.Success ? $"{m.Groups["key"].Value} = '{m.Groups["value"].Value}': {Expected(m.Groups["type"].Value)}" : null;
    }

    private static string Expected(string typeName)
    {
        // Nullable<T> is named with its assembly: System.Nullable`1[[System.Int32, System.Private.CoreLib, …]].
        var name = Nullable().Match(typeName) is { Success: true } inner ? inner.Groups[1].Value : typeName;
        return name switch
        {
            "System.Double" or "System.Single" or "System.Decimal" => "expected a number with a decimal point, e.g. 0.2",
            "System.Int32" or "System.Int64" or "System.Int16" or "System.Byte" => "expected a whole number, e.g. 10",
            "System.Boolean" => "expected true or false",
            "System.TimeSpan" => "expected a duration hh:mm:ss, e.g. 00:30:00",
            "System.DateOnly" => "expected a date yyyy-MM-dd, e.g. 2026-11-20",
            "System.TimeOnly" => "expected a time of day HH:mm, e.g. 07:00",
            _ when EnumNamed(name) is { } e => $"expected one of {string.Join(", ", Enum.GetNames(e))}",
            _ => $"expected a value of another kind ({name[(name.LastIndexOf('.') + 1)..]})",
        };
    }

    private static Type? EnumNamed(string name) => AppDomain.CurrentDomain.GetAssemblies()
        .Select(a => a.GetType(name, throwOnError: false)).FirstOrDefault(t => t is { IsEnum: true });

    [GeneratedRegex(@"^Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex Failed();

    [GeneratedRegex(@"^System\.Nullable`1\[\[([^,\]]+)")]
    private static partial Regex Nullable();
}
