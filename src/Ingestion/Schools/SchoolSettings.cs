using Microsoft.Extensions.Configuration;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Ingestion.Schools;

/// <summary>
/// A school of the registry as ingestion imports it: the registry's entry with its export profile's overrides, the one key
/// of an entry only ingestion reads (its type is the export profile's).
/// </summary>
public sealed class SchoolSettings
{
    public string Skolenhetskod { get; set; } = "";
    public string Name { get; set; } = "";
    public Driftsform Driftsform { get; set; }
    public string Huvudman { get; set; } = "";
    public string Profile { get; set; } = "";
    public ExportProfileSettings? ProfileOverrides { get; set; }
    /// <summary>Folder the school's exports arrive in; relative paths are relative to the schools file.</summary>
    public string Inbox { get; set; } = "";

    public static SchoolSettings Of(School school, ExportProfileSettings? overrides) => new()
    {
        Skolenhetskod = school.Skolenhetskod,
        Name = school.Name,
        Driftsform = school.Driftsform,
        Huvudman = school.Huvudman,
        Profile = school.Profile,
        ProfileOverrides = overrides,
        Inbox = school.Inbox,
    };
}

/// <summary>The registry's schools as ingestion imports them, in the registry's order.</summary>
public sealed record ImportedSchools(IReadOnlyList<SchoolSettings> All)
{
    /// <summary>Each registry entry with its Skolnarvaro:Schools:n:ProfileOverrides, bound under the entry's key.</summary>
    public static ImportedSchools Of(SchoolRegistry registry, IConfiguration configuration) =>
        new(registry.Select(s => SchoolSettings.Of(s, configuration.GetSection($"{s.Key}:ProfileOverrides").Get<ExportProfileSettings>())).ToList());
}

/// <summary>
/// Ingestion's own key of a registry entry (Skolnarvaro:Schools:n:ProfileOverrides), declared beside the registry's so that
/// the start-up check of configuration keys knows it.
/// </summary>
public sealed class ProfileOverridesKey
{
    public const string Section = "Skolnarvaro";

    public List<Entry> Schools { get; set; } = [];

    public sealed class Entry
    {
        public ExportProfileSettings? ProfileOverrides { get; set; }
    }
}

/// <summary>Skolnarvaro section: custom export profiles and import limits (the schools are the registry's).</summary>
public sealed class IngestionOptions
{
    public const string Section = "Skolnarvaro";

    public Dictionary<string, ExportProfileSettings> Profiles { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>A file with a larger share of bad rows than this is rejected whole.</summary>
    public double MaxBadRowShare { get; set; } = 0.05;
    /// <summary>
    /// A lessons or days file that would remove more than this share of the facts the school's earlier exports hold for
    /// its dates (pupil-days with no row in the new file) is held back: a truncated transfer looks exactly like that.
    /// </summary>
    public double MaxShrinkShare { get; set; } = 0.02;
    /// <summary>
    /// After a school's inbox is imported, attendance_fact is analysed (its planner statistics refreshed) when at least this
    /// many facts were written or replaced since it last was; 0 leaves it to autovacuum alone.
    /// </summary>
    public long AnalyzeAfterFacts { get; set; } = 100_000;
    /// <summary>A larger export file is not read (rejected with a message): 2 GiB by default, twice a large school's term of lessons.</summary>
    public long MaxFileBytes { get; set; } = 2L << 30;
    /// <summary>An import that takes longer than this is stopped and its file rejected, so that one file cannot hold up the night.</summary>
    public TimeSpan MaxFileImportTime { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>A school whose newest export is this many school days old is reported as stale.</summary>
    public int StaleAfterSchoolDays { get; set; } = 3;
    /// <summary>Folder that relative inbox paths are resolved against (the schools file's folder).</summary>
    public string BaseDirectory { get; set; } = "";
}
