using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Web;

namespace Skolnarvaro.Worker.Composition;

/// <summary>The rektor's page's data-quality caveats: the import's data quality today, worded as the digest words it.</summary>
public sealed class SchoolCaveats(
    DataQualityStore quality, SchoolFlags flags, IOptions<IngestionOptions> ingestion, IOptions<NotificationOptions> notifications, RunDates dates)
    : ISchoolCaveats
{
    public async Task<IReadOnlyList<string>> ForSchoolAsync(string school, CancellationToken ct)
    {
        var asOf = dates.Today;
        var q = await quality.ForSchoolAsync(school, asOf, ingestion.Value.StaleAfterSchoolDays, await flags.RecentWindowDaysAsync(school, ct), ct);
        return DataQualityCaveats.For(Nightly.NightlyRun.DigestQuality(q), asOf, notifications.Value.LowReportingRate);
    }
}
