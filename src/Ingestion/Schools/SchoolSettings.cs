using Skolnarvaro.Ingestion.Profiles;

namespace Skolnarvaro.Ingestion.Schools;

public enum Driftsform { Municipal, Independent }

/// <summary>
/// The part of a school's registry entry that ingestion needs (Skolnarvaro:Schools:n). Other projects bind
/// their own view of the same entries, so the registry is written once.
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
}

/// <summary>Skolnarvaro section: the school registry, custom export profiles and import limits.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Skolnarvaro";

    public List<SchoolSettings> Schools { get; set; } = [];
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
