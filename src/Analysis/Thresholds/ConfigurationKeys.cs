using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Skolnarvaro.Analysis.Thresholds;

/// <summary>
/// Finds keys in a configuration section that the options class has no property for. The binder ignores them, so a
/// misspelt threshold (<c>AbsenseShare</c>) would otherwise leave the default silently in force.
/// </summary>
public static class ConfigurationKeys
{
    public static IEnumerable<string> Unknown(IConfigurationSection section, Type type)
    {
        var errors = new List<string>();
        Walk(section, type, errors);
        return errors;
    }

    private static void Walk(IConfigurationSection section, Type type, List<string> errors)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToList();
        foreach (var child in section.GetChildren())
        {
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, child.Key, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                errors.Add($"{child.Path}: unknown key; expected one of {string.Join(", ", properties.Select(p => p.Name))}.");
                continue;
            }

            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsGenericType && propertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>))
            {
                var valueType = propertyType.GetGenericArguments()[1];
                foreach (var entry in child.GetChildren())
                {
                    Walk(entry, valueType, errors);
                }
            }
            else if (propertyType.IsClass && propertyType != typeof(string))
            {
                Walk(child, propertyType, errors);
            }
        }
    }
}
