namespace Skolnarvaro.Insights.Reporting;

/// <summary>Skolnarvaro:Report — the term report.</summary>
public sealed class ReportOptions
{
    public const string Section = "Skolnarvaro:Report";

    /// <summary>Cells computed from fewer pupils than this are not shown (nor any cell they could be computed back from).</summary>
    public int MinGroupSize { get; set; } = 5;

    /// <summary>
    /// Where <c>report</c> and the term-end job write by default: a folder per term under this one (relative to the home
    /// folder; resolved against it at start).
    /// </summary>
    public string Folder { get; set; } = "out/reports";

    /// <summary>
    /// Where <c>term-report.html.sbn</c> and <c>term-report-charts.sbn</c> are (relative to the home folder). Empty: the
    /// digests' folder, <c>Skolnarvaro:Notifications:TemplateFolder</c>, so analysts keep every template in one place.
    /// </summary>
    public string TemplateFolder { get; set; } = "";
}
