using System.Globalization;
using System.Text;

namespace Skolnarvaro.Ingestion.Profiles;

/// <summary>A complete, validated export profile: everything the reader needs to parse one school's files.</summary>
public sealed record ResolvedProfile(
    string Name,
    ExportKind Kind,
    Encoding Encoding,
    char Delimiter,
    string DateFormat,
    string TimeFormat,
    char DecimalSeparator,
    IReadOnlyDictionary<string, string> Columns,
    IReadOnlyDictionary<string, LessonStatus> StatusCodes,
    IReadOnlySet<string> ProtectedValues)
{
    /// <summary>Whether files may remove facts of pupils in earlier exports (see <see cref="ExportProfileSettings.AllowShrink"/>).</summary>
    public bool AllowShrink { get; init; }

    /// <summary>
    /// Resolves <paramref name="profileName"/> (built-in or from <paramref name="customProfiles"/>) with the
    /// school's overrides, and validates it. Errors name the configuration key and the bad value.
    /// </summary>
    public static ResolvedProfile Resolve(
        string profileName,
        ExportProfileSettings? overrides,
        IReadOnlyDictionary<string, ExportProfileSettings> customProfiles,
        string configPath)
    {
        var baseProfile = BaseProfile(profileName, customProfiles, configPath, out var custom);
        var p = baseProfile.With(overrides);
        var at = $"{configPath} (profile '{profileName}')";

        if (p.Kind is not { } kind)
        {
            throw new ProfileConfigurationException($"{at}: Kind is missing; expected Lessons, Days or Summary.");
        }

        var errors = new List<string>();
        var encoding = ParseEncoding(p.Encoding, at, errors);
        var delimiter = SingleChar(p.Delimiter, "Delimiter", at, errors, allowed: c => c is ',' or ';' or '\t' or '|');
        var decimalSeparator = SingleChar(p.DecimalSeparator ?? ".", "DecimalSeparator", at, errors, allowed: c => c is ',' or '.');
        var dateFormat = CheckFormat(p.DateFormat, "DateFormat", at, errors, RoundTripsDate);
        var timeFormat = CheckFormat(p.TimeFormat ?? "HH:mm", "TimeFormat", at, errors, RoundTripsTime);
        var columns = CheckColumns(p.Columns, custom, kind, at, errors);
        var statusCodes = kind == ExportKind.Lessons
            ? CheckStatusCodes(p.StatusCodes, at, errors)
            : new Dictionary<string, LessonStatus>(StringComparer.OrdinalIgnoreCase);

        if (errors.Count > 0)
        {
            throw new ProfileConfigurationException(string.Join(Environment.NewLine, errors));
        }

        return new ResolvedProfile(
            profileName, kind, encoding!, delimiter, dateFormat!, timeFormat!, decimalSeparator, columns, statusCodes,
            new HashSet<string>(p.ProtectedValues ?? [], StringComparer.OrdinalIgnoreCase))
        {
            AllowShrink = p.AllowShrink ?? false,
        };
    }

    /// <summary>The named profile before the school's overrides: a custom one over its kind's built-in default, or a built-in one.</summary>
    private static ExportProfileSettings BaseProfile(
        string profileName, IReadOnlyDictionary<string, ExportProfileSettings> customProfiles, string configPath, out ExportProfileSettings? custom)
    {
        if (customProfiles.TryGetValue(profileName, out custom))
        {
            // A custom profile may itself start from a built-in one of the same kind: unset keys fall back to it.
            var kindDefault = custom.Kind switch
            {
                ExportKind.Lessons => BuiltInProfiles.All[BuiltInProfiles.LessonsDefault],
                ExportKind.Days => BuiltInProfiles.All[BuiltInProfiles.DaysDefault],
                ExportKind.Summary => BuiltInProfiles.All[BuiltInProfiles.SummaryDefault],
                _ => null,
            };
            return kindDefault?.With(custom) ?? custom;
        }

        if (BuiltInProfiles.All.TryGetValue(profileName, out var builtIn))
        {
            return builtIn;
        }

        var known = string.Join(", ", BuiltInProfiles.All.Keys.Concat(customProfiles.Keys).Order(StringComparer.Ordinal));
        throw new ProfileConfigurationException(
            $"{configPath}:Profile: unknown export profile '{profileName}'. Known profiles: {known}.");
    }

    /// <summary>The column headers by field: known fields only, none empty, every required one present, and a name.</summary>
    private static Dictionary<string, string> CheckColumns(
        Dictionary<string, string>? configured, ExportProfileSettings? custom, ExportKind kind, string at, List<string> errors)
    {
        var columns = new Dictionary<string, string>(configured ?? [], StringComparer.OrdinalIgnoreCase);
        var known_fields = ExportField.Required(kind).Concat(ExportField.Optional(kind)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (field, header) in columns)
        {
            if (!known_fields.Contains(field))
            {
                errors.Add($"{at}: Columns:{field} is not a field of a {kind} export; expected one of {string.Join(", ", known_fields)}.");
            }
            else if (string.IsNullOrWhiteSpace(header))
            {
                errors.Add($"{at}: Columns:{field} has an empty header name.");
            }
        }

        if (custom?.Columns is { Count: > 0 } own && !own.ContainsKey(ExportField.Personnummer))
        {
            // Its own headers for the rest: the default 'Personnummer' would be looked for, and every file rejected.
            errors.Add($"{at}: Columns:Personnummer is missing; a profile that names its own columns must name the personnummer's header too.");
        }

        foreach (var field in ExportField.Required(kind).Where(f => !columns.ContainsKey(f)))
        {
            errors.Add($"{at}: Columns:{field} is missing; a {kind} export needs a header for it.");
        }

        if (!columns.ContainsKey(ExportField.Name) && !(columns.ContainsKey(ExportField.FirstName) && columns.ContainsKey(ExportField.LastName)))
        {
            errors.Add($"{at}: Columns needs either Name or both FirstName and LastName.");
        }

        return columns;
    }

    /// <summary>A Lessons export's status codes mapped to what they mean; at least one.</summary>
    private static Dictionary<string, LessonStatus> CheckStatusCodes(Dictionary<string, string>? configured, string at, List<string> errors)
    {
        var statusCodes = new Dictionary<string, LessonStatus>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, meaning) in configured ?? [])
        {
            if (Enum.TryParse<LessonStatus>(meaning, ignoreCase: true, out var status) && Enum.IsDefined(status))
            {
                statusCodes[code.Trim()] = status;
            }
            else
            {
                errors.Add($"{at}: StatusCodes:{code} = '{meaning}' is not a status; expected one of {string.Join(", ", Enum.GetNames<LessonStatus>())}.");
            }
        }

        if (statusCodes.Count == 0)
        {
            errors.Add($"{at}: StatusCodes is empty; a Lessons export needs its status codes mapped.");
        }

        return statusCodes;
    }

    private static Encoding? ParseEncoding(string? name, string at, List<string> errors)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        switch (name?.Trim().ToLowerInvariant())
        {
            case null or "" or "utf-8" or "utf8" or "utf-8-bom":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            case "windows-1252" or "cp1252" or "ansi":
                return Encoding.GetEncoding(1252);
            case "iso-8859-1" or "latin1":
                return Encoding.Latin1;
            default:
                errors.Add($"{at}: Encoding = '{name}' is not supported; expected utf-8 (with or without BOM), windows-1252 or iso-8859-1.");
                return null;
        }
    }

    private static char SingleChar(string? value, string key, string at, List<string> errors, Func<char, bool> allowed)
    {
        var v = value == "\\t" ? "\t" : value;
        if (v is { Length: 1 } && allowed(v[0]))
        {
            return v[0];
        }

        errors.Add($"{at}: {key} = '{value}' is not valid; expected a single character such as ';' or ','.");
        return ';';
    }

    // A format must give back the day it wrote ("qqqq" writes the letters and reads no date at all).
    private static readonly DateOnly ProbeDate = new(2026, 9, 18);
    private static readonly TimeOnly ProbeTime = new(13, 45);

    private static bool RoundTripsDate(string format) =>
        DateOnly.TryParseExact(ProbeDate.ToString(format, CultureInfo.InvariantCulture), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
        && d == ProbeDate;

    private static bool RoundTripsTime(string format) =>
        TimeOnly.TryParseExact(ProbeTime.ToString(format, CultureInfo.InvariantCulture), format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
        && t == ProbeTime;

    private static string? CheckFormat(string? format, string key, string at, List<string> errors, Func<string, bool> roundTrips)
    {
        if (string.IsNullOrWhiteSpace(format))
        {
            errors.Add($"{at}: {key} is missing.");
            return null;
        }

        try
        {
            if (roundTrips(format))
            {
                return format;
            }

            errors.Add($"{at}: {key} = '{format}' cannot be read back: a value written with it does not parse as the same " +
                       (key == "DateFormat" ? "date; expected a format such as yyyy-MM-dd or dd/MM/yyyy." : "time; expected a format such as HH:mm."));
            return null;
        }
        catch (FormatException)
        {
            errors.Add($"{at}: {key} = '{format}' is not a valid .NET date/time format.");
            return null;
        }
    }
}

public sealed class ProfileConfigurationException(string message) : Exception(message);
