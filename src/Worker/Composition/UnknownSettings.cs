using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Schools;
using Skolnarvaro.Web;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// Keys under Skolnarvaro that nothing reads. The binder ignores them, so a misspelt section (<c>Tresholds</c>) or a school's
/// misspelt key (<c>Inbx</c>) would leave a default silently in force. Whatever source a key comes from (appsettings, the
/// school registry file, the environment), it must be a property of an options class bound from its section: each class
/// that declares <c>const string Section</c> under Skolnarvaro, several classes of one section (the school registry's entry
/// and ingestion's own key of it) together.
/// </summary>
public static class UnknownSettings
{
    private const string Root = "Skolnarvaro";

    // Their own validators name unknown keys, with what the key may hold (a driftsform, a school in the registry).
    private static readonly string[] CheckedElsewhere = [ThresholdOptions.Section, TrendOptions.Section];

    private static readonly Assembly[] Stages =
        [typeof(IngestionOptions).Assembly, typeof(NotificationOptions).Assembly, typeof(ThresholdOptions).Assembly, typeof(WebOptions).Assembly, typeof(UnknownSettings).Assembly,
         typeof(Skolnarvaro.Calendar.CalendarOptions).Assembly, typeof(SchoolRegistryOptions).Assembly,
         typeof(Skolnarvaro.Insights.Reporting.ReportOptions).Assembly];

    /// <summary>One message per unknown key, naming it and what was expected there; empty when every key is read.</summary>
    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        var errors = new List<string>();
        Walk(configuration.GetSection(Root), Bound(), errors);
        return errors;
    }

    /// <summary>Unknown keys and a log format the worker cannot write, in one line, or nothing.</summary>
    public static void ThrowIfAny(IConfiguration configuration)
    {
        var errors = Find(configuration).ToList();
        if (configuration[$"{Root}:LogFormat"] is { Length: > 0 } format && !format.Equals("json", StringComparison.OrdinalIgnoreCase)
            && !format.Equals("text", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Root}:LogFormat = '{format}': expected json (one JSON object per line) or text (one readable line, the default).");
        }

        if (errors.Count > 0)
        {
            throw new ConfigurationException(string.Join(" ", errors));
        }
    }

    /// <summary>The types bound from each section, by the section's path.</summary>
    private static Dictionary<string, List<Type>> Bound()
    {
        var bound = new Dictionary<string, List<Type>>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in Stages.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section && (section == Root || section.StartsWith(Root + ":", StringComparison.Ordinal)))
            {
                (bound.TryGetValue(section, out var types) ? types : bound[section] = []).Add(type);
            }
        }

        bound[Root].Add(typeof(ReadDirectly));
        return bound;
    }

    private static void Walk(IConfigurationSection section, Dictionary<string, List<Type>> bound, List<string> errors)
    {
        var types = bound.GetValueOrDefault(section.Path) ?? [];
        var subsections = bound.Keys.Where(k => k.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase) && !k[(section.Path.Length + 1)..].Contains(':'))
            .Select(k => k[(section.Path.Length + 1)..]).ToList();
        foreach (var child in section.GetChildren())
        {
            if (CheckedElsewhere.Contains(child.Path, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            if (bound.ContainsKey(child.Path))
            {
                Walk(child, bound, errors);
            }
            else
            {
                Check(child, types, errors, subsections);
            }
        }
    }

    /// <summary>Checks one key against the properties of the types its parent is bound to, and what lies under it.</summary>
    private static void Check(IConfigurationSection key, IReadOnlyCollection<Type> parents, List<string> errors, IReadOnlyList<string> alsoExpected)
    {
        var properties = parents.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)).ToList();
        var matching = properties.Where(p => string.Equals(p.Name, key.Key, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matching.Count == 0)
        {
            var expected = properties.Select(p => p.Name).Concat(alsoExpected).Distinct().Order(StringComparer.Ordinal).ToList();
            errors.Add($"{key.Path}: unknown key{Suggestion(key.Key, expected)}; expected one of {string.Join(", ", expected)}.");
            return;
        }

        var inner = matching.Select(p => Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType).ToList();
        if (inner.Any(IsLeaf))
        {
            return;
        }

        foreach (var group in inner.Select(Elements).GroupBy(e => e.Entries))
        {
            var types = group.Select(e => e.Type).ToList();
            if (types.Any(IsLeaf))
            {
                continue;
            }

            foreach (var entry in group.Key ? key.GetChildren().ToList() : [key])
            {
                foreach (var grandchild in entry.GetChildren())
                {
                    Check(grandchild, types, errors, []);
                }
            }
        }
    }

    /// <summary>Whether the key's children are entries (list items, dictionary keys) of a type, or the type's own properties.</summary>
    private static (bool Entries, Type Type) Elements(Type type)
    {
        if (type.IsArray)
        {
            return (true, type.GetElementType()!);
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var arguments = type.GetGenericArguments();
            return (true, arguments[^1]);
        }

        return (false, type);
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan) || type == typeof(DateOnly)
        || type == typeof(TimeOnly) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(object)
        || (Nullable.GetUnderlyingType(type) is { } underlying && IsLeaf(underlying));

    /// <summary>Keys an earlier version used, and their names now: a configuration written for it is told what to rename.</summary>
    private static readonly Dictionary<string, string> Renamed = new(StringComparer.OrdinalIgnoreCase) { ["Rectors"] = "Rektorer" };

    private static string Suggestion(string key, IEnumerable<string> expected) =>
        Renamed.TryGetValue(key, out var now) ? $" (renamed {now}: rename the key)" :
        expected.Select(e => (Name: e, Distance: Distance(key.ToLowerInvariant(), e.ToLowerInvariant()))).Where(e => e.Distance <= 2)
            .OrderBy(e => e.Distance).FirstOrDefault().Name is { } near ? $" (did you mean {near}?)" : "";

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>What is read from the Skolnarvaro section without an options class of its own.</summary>
    private sealed class ReadDirectly
    {
        /// <summary>The school registry file (WorkerHost).</summary>
        public string? SchoolsFile { get; set; }

        /// <summary>json or text (WorkerHost).</summary>
        public string? LogFormat { get; set; }
    }
}
