using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>Imports every file waiting in a school's inbox, oldest name first; files imported before are no-ops.</summary>
public sealed class InboxImporter(FileImporter importer, SchoolProfiles profiles)
{
    private static readonly string[] Extensions = [".csv", ".txt", ".tsv", ".skv"];

    /// <param name="asOf">The run's school day, what "after today" means to the plausibility rules; today when null.</param>
    public async Task<IReadOnlyList<ImportResult>> ImportInboxAsync(SchoolSettings school, CancellationToken ct = default, long? runId = null, DateOnly? asOf = null)
    {
        var folder = profiles.InboxOf(school);
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var files = Directory.EnumerateFiles(folder)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var results = new List<ImportResult>();
        foreach (var file in files)
        {
            results.Add(await importer.ImportAsync(school, profiles.For(school), file, ct: ct, runId: runId, asOf: asOf));
        }

        return results;
    }
}

/// <summary>Every school's export profile, resolved and validated once at start-up.</summary>
public sealed class SchoolProfiles
{
    private readonly Dictionary<string, ResolvedProfile> bySchool = new(StringComparer.Ordinal);
    private readonly string baseDirectory;

    public SchoolProfiles(IngestionOptions options, Microsoft.Extensions.Configuration.IConfiguration? configuration = null)
    {
        baseDirectory = options.BaseDirectory;
        var errors = configuration is null ? [] : SchoolRegistryCheck.Problems(options, configuration).ToList();
        for (var i = 0; i < options.Schools.Count; i++)
        {
            var school = options.Schools[i];
            try
            {
                bySchool[school.Skolenhetskod] = ResolvedProfile.Resolve(
                    school.Profile, school.ProfileOverrides, options.Profiles, $"Skolnarvaro:Schools:{i} ({school.Skolenhetskod} {school.Name})");
            }
            catch (ProfileConfigurationException e)
            {
                errors.Add(e.Message);
            }
        }

        if (errors.Count > 0)
        {
            throw new ProfileConfigurationException(string.Join(Environment.NewLine, errors));
        }
    }

    public ResolvedProfile For(SchoolSettings school) => bySchool[school.Skolenhetskod];

    public string InboxOf(SchoolSettings school) => Path.GetFullPath(school.Inbox, baseDirectory);
}
