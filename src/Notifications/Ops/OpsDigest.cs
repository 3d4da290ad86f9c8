using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Notifications.Ops;

/// <summary>One school's line in the analysts' run report.</summary>
public sealed record OpsSchool(
    string Skolenhetskod, string Name, string Driftsform, int FilesImported, int FilesRejected, long RowsImported, long RowsQuarantined,
    string? LastExport, bool Stale, string? ReportingRate, int High, int AtRisk, int Trend, bool DigestQueued, string? Error,
    IReadOnlyList<string> Rejections, string? NextDigest = null, int Waiting = 0)
{
    /// <summary>The message of the school's roster refused in the run (the mentors in force stay), or null.</summary>
    public string? RosterRejected { get; init; }
}

/// <summary>What the ops template sees: the run and every school, problems first.</summary>
public sealed record OpsDigestModel(long RunId, string AsOf, string ModelNote, IReadOnlyList<OpsSchool> Schools)
{
    public IReadOnlyList<OpsSchool> Problems => Schools.Where(s => s.Error is not null || s.Stale || s.FilesRejected > 0 || s.RosterRejected is not null).ToList();
    public long Rows => Schools.Sum(s => s.RowsImported);
    public int Digests => Schools.Count(s => s.DigestQueued);
}

/// <summary>
/// The run report for the analysts' address (Skolnarvaro:Notifications:OpsAddress): stale and rejected exports,
/// failed schools, and the run's figures. A Scriban text template like the digests, checked at start-up.
/// </summary>
public sealed class OpsDigestRenderer
{
    public const string File = "ops.txt.sbn";
    private readonly CheckedTemplate template;

    public OpsDigestRenderer(string templateFolder)
    {
        template = new CheckedTemplate(Path.Combine(templateFolder, File));
        Render(new OpsDigestModel(1, "20 november 2026", "Trendmodellen används inte.",
            [new OpsSchool("12345678", "Exempelskolan", "kommunal", 1, 1, 100, 2, "6 november 2026", true, "84 %", 1, 2, 0, true, null, ["fil.csv: avvisad"],
                "23 november 2026", 4) { RosterRejected = "mentorer.csv: rejected, nothing changed (the roster in force stays): …" }]));
    }

    public (string Subject, string Text) Render(OpsDigestModel model)
    {
        var subject = $"Skolnärvaro: körning #{model.RunId} {model.AsOf}" +
                      (model.Problems.Count > 0 ? $" – {model.Problems.Count} skolor att se över" : " – inga problem");
        return (subject, template.Render(model));
    }
}
