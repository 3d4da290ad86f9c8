using Microsoft.Extensions.Logging;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Imports every export waiting in a school's inbox, oldest name first; files imported before are no-ops. The school's
/// roster, in the same inbox, is the roster importer's (<see cref="RosterFiles"/>).
/// </summary>
public sealed class InboxImporter(FileImporter importer, SchoolProfiles profiles, ILogger<InboxImporter> logger)
{
    private static readonly string[] Extensions = [".csv", ".txt", ".tsv", ".skv"];

    public async Task<IReadOnlyList<ImportResult>> ImportInboxAsync(
        SchoolSettings school, CancellationToken ct = default, long? runId = null, IProgress<ImportProgress>? progress = null)
    {
        var folder = profiles.InboxOf(school);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) && !RosterFiles.IsRoster(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        var results = new List<ImportResult>();
        foreach (var file in files)
        {
            results.Add(await importer.ImportAsync(school, profiles.For(school), file, progress, ct, runId));
        }

        if (results.Count(r => r.Status == ImportStatus.AlreadyImported) is var seen and > 0)
        {
            logger.LogInformation("School {School}: {Seen} of the inbox's {Files} files were imported before and are unchanged (archive them " +
                "to spare the nightly re-reading)", school.Skolenhetskod, seen, results.Count);
        }

        return results;
    }
}

/// <summary>
/// The demo's fixed school day (Skolnarvaro:Demo:AsOf, in demo mode): the bundled sample's "today", which the plausibility
/// rules' "after today" means there. Null outside demo mode.
/// </summary>
public sealed record DemoDay(DateOnly? AsOf);

/// <summary>Every school's export profile, resolved and validated once at start-up.</summary>
public sealed class SchoolProfiles
{
    private readonly Dictionary<string, ResolvedProfile> bySchool = new(StringComparer.Ordinal);
    private readonly string baseDirectory;

    public SchoolProfiles(IngestionOptions options, IReadOnlyList<SchoolSettings> schools, Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
        : this(options, schools, configuration, out var errors)
    {
        if (errors.Count > 0)
        {
            throw new ProfileConfigurationException(string.Join(Environment.NewLine, errors));
        }
    }

    private SchoolProfiles(
        IngestionOptions options, IReadOnlyList<SchoolSettings> schools, Microsoft.Extensions.Configuration.IConfiguration? configuration, out List<string> errors)
    {
        baseDirectory = options.BaseDirectory;
        errors = MissingInboxes(schools).ToList();
        var badKinds = configuration is null ? [] : UnknownKinds(configuration);
        errors.AddRange(badKinds.Values);
        for (var i = 0; i < schools.Count; i++)
        {
            var school = schools[i];
            if (string.IsNullOrWhiteSpace(school.Profile))
            {
                errors.Add($"Skolnarvaro:Schools:{i}:Profile is missing ({school.Name}).");
                continue;
            }

            try
            {
                bySchool[school.Skolenhetskod] = ResolvedProfile.Resolve(
                    school.Profile, school.ProfileOverrides, options.Profiles, $"Skolnarvaro:Schools:{i} ({school.Skolenhetskod} {school.Name})");
            }
            catch (ProfileConfigurationException e)
            {
                // A profile left out for its kind is already named for that, not as unknown.
                if (!badKinds.ContainsKey(school.Profile))
                {
                    errors.Add(e.Message);
                }
            }
        }
    }

    /// <summary>What in the schools' inboxes and export profiles would stop the start, each naming its key; empty when nothing does.</summary>
    public static IReadOnlyList<string> Problems(
        IngestionOptions options, IReadOnlyList<SchoolSettings> schools, Microsoft.Extensions.Configuration.IConfiguration? configuration)
    {
        _ = new SchoolProfiles(options, schools, configuration, out var errors);
        return errors;
    }

    public ResolvedProfile For(SchoolSettings school) => bySchool[school.Skolenhetskod];

    /// <summary>
    /// Custom profiles whose Kind is no kind of export: the binder leaves such a profile out, and the schools using it
    /// would be told their profile is unknown. Named here for what is wrong, by key.
    /// </summary>
    private static Dictionary<string, string> UnknownKinds(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var bad = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var profile in configuration.GetSection($"{IngestionOptions.Section}:Profiles").GetChildren())
        {
            var kind = profile["Kind"];
            if (kind is not null && !(Enum.TryParse<ExportKind>(kind, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !kind.Trim().All(char.IsAsciiDigit)))
            {
                bad[profile.Key] = $"{profile.Path}:Kind = '{kind}' is not a kind of export; expected {string.Join(", ", Enum.GetNames<ExportKind>()[..^1])} " +
                                   $"or {Enum.GetNames<ExportKind>()[^1]}.";
            }
        }

        return bad;
    }

    public string InboxOf(SchoolSettings school) => Path.GetFullPath(school.Inbox, baseDirectory);

    /// <summary>A school whose inbox folder is not there would be skipped every night without a word: named at start instead.</summary>
    private IEnumerable<string> MissingInboxes(IReadOnlyList<SchoolSettings> schools)
    {
        for (var i = 0; i < schools.Count; i++)
        {
            var s = schools[i];
            if (string.IsNullOrWhiteSpace(s.Inbox))
            {
                yield return $"Skolnarvaro:Schools:{i}:Inbox is missing ({s.Name}).";
            }
            else if (!Directory.Exists(InboxOf(s)))
            {
                yield return $"Skolnarvaro:Schools:{i}:Inbox = '{s.Inbox}' ({s.Name}): folder not found ({InboxOf(s)}).";
            }
        }
    }
}
