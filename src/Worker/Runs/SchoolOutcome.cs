using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Worker.Runs;

public enum SchoolRunStatus { Pending, Importing, Imported, Failed }

/// <summary>What one school's part of a run did, as recorded in <c>run_school</c> and <c>import_file</c>.</summary>
public sealed record SchoolOutcome(
    string Skolenhetskod, string Name, Driftsform Driftsform, SchoolRunStatus Status, int Attempts, string? Worker,
    IReadOnlyList<ImportResult> Imports, int FilesSeen, SchoolDataQuality? Quality, TimeSpan? ImportTime,
    bool Analyzed, TimeSpan? AnalysisTime, int High, int AtRisk, int Trend, int NewOrEscalated, int Reminded, bool DigestQueued,
    string? Error, DateOnly? NextDigest = null, int Waiting = 0)
{
    public int FilesImported => Imports.Count(i => i.Status == ImportStatus.Imported);
    public int FilesRejected => Imports.Count(i => i.Status == ImportStatus.Rejected);
    public long RowsImported => Imports.Sum(i => (long)i.RowsImported);
    public long RowsQuarantined => Imports.Sum(i => (long)i.RowsQuarantined);

    /// <summary>The school's real state in the run: analysed, imported and waiting for analysis, failed, or still in progress.</summary>
    public string State => Status switch
    {
        SchoolRunStatus.Imported when Analyzed && Error is not null => "Analysed, digest failed",
        SchoolRunStatus.Imported when Analyzed => "Analysed",
        SchoolRunStatus.Imported when Error is not null => "Analysis failed",
        SchoolRunStatus.Imported => "Imported, not analysed",
        _ => Status.ToString(),
    };
}

/// <summary>The flags and digest a school's analysis recorded in a run.</summary>
/// <param name="NextDigest">When the school's next digest goes.</param>
/// <param name="Waiting">Pupils whose news waits for that digest.</param>
/// <param name="Error">The step of the analysis that failed while the flags stand (the digest), and why.</param>
public sealed record SchoolAnalysis(
    int High, int AtRisk, int Trend, int NewOrEscalated, int Reminded, bool DigestQueued, DateOnly NextDigest, int Waiting, string? Error = null);
