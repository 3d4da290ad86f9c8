using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Worker.Runs;

/// <summary>The effective configuration a nightly run records, so that every flag can be traced to the rules that made it.</summary>
public sealed class RunConfiguration(
    IOptions<IngestionOptions> ingestion, ImportedSchools schools, IOptions<ThresholdOptions> thresholds, IOptions<NotificationOptions> notifications)
{
    private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

    public string ToJson() => JsonSerializer.Serialize(new
    {
        thresholds = thresholds.Value,
        ingestion = new
        {
            ingestion.Value.MaxBadRowShare,
            ingestion.Value.StaleAfterSchoolDays,
            schools = schools.All.Select(s => new { s.Skolenhetskod, s.Name, s.Driftsform, s.Profile, s.ProfileOverrides }),
            ingestion.Value.Profiles,
        },
        notifications = new { notifications.Value.NameDisplay, notifications.Value.LowReportingRate, notifications.Value.TemplateFolder },
    }, Json);
}
