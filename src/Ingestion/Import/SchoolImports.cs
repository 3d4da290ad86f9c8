using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Ingestion.Schools;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// What importing one school's inbox came to: the files, the school's data quality afterwards, and whether the facts'
/// planner statistics were refreshed (after a large import), and the school's roster when its inbox holds one.
/// </summary>
public sealed record SchoolImportResult(IReadOnlyList<ImportResult> Files, SchoolDataQuality Quality, bool StatisticsRefreshed = false)
{
    /// <summary>The roster read after the exports (so that it is checked against their classes); null when the inbox has none.</summary>
    public RosterImportResult? Roster { get; init; }
}

/// <summary>The registry's schools and the import of each one's inbox: what a nightly run asks of ingestion.</summary>
public sealed class SchoolImports(
    IOptions<IngestionOptions> options, ImportedSchools schools, SchoolRegistryStore registry, InboxImporter inbox, DataQualityStore quality,
    FactStatistics statistics, RosterImporter rosters)
{
    /// <summary>The schools in the registry, in its order.</summary>
    public IReadOnlyList<SchoolSettings> Schools => schools.All;

    /// <summary>Writes the registry's schools to the database, so that runs and facts can refer to them.</summary>
    public Task SyncRegistryAsync(CancellationToken ct = default) => registry.SyncAsync(schools.All, ct);

    /// <summary>
    /// Imports every file waiting in the school's inbox and then its roster, for the night <paramref name="asOf"/>; then
    /// measures the school's data quality on that day, its reporting rate over the last <paramref name="reportingWindowDays"/>
    /// school days.
    /// </summary>
    public async Task<SchoolImportResult> ImportAsync(
        string skolenhetskod, long? runId, DateOnly asOf, int reportingWindowDays, CancellationToken ct = default, IProgress<ImportProgress>? progress = null)
    {
        var school = schools.All.FirstOrDefault(s => s.Skolenhetskod == skolenhetskod)
            ?? throw new InvalidOperationException($"School {skolenhetskod} is no longer in the school registry.");
        var files = await inbox.ImportInboxAsync(school, ct, runId, progress);
        var roster = await rosters.ImportInboxAsync(school, asOf, runId, ct);
        // Before the data-quality queries and the analysis that follows, which are planned with these statistics.
        var analysed = await statistics.RefreshAfterImportAsync(files.Sum(f => f.FactsWritten + f.FactsReplaced), ct);
        var dq = await quality.ForSchoolAsync(skolenhetskod, asOf, options.Value.StaleAfterSchoolDays, reportingWindowDays, ct);
        return new SchoolImportResult(files, dq, analysed) { Roster = roster };
    }
}
