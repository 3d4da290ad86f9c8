using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Templating;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>
/// The evaluation report as one self-contained HTML file (tables and inline SVG, nothing fetched), laid out by
/// <c>trend-report.html.sbn</c> in the report's template folder so analysts can change its text and look. The template is
/// read, parsed and rendered against a sample page when this is created: a syntax error or an unknown name stops the
/// command before any work, with file, line and column, as a configuration error (exit code 2).
/// </summary>
public sealed class TrendReportHtml
{
    public const string TemplateFile = "trend-report.html.sbn";

    private readonly StrictTemplate template;

    public TrendReportHtml(string templateFolder)
    {
        template = ReportTemplate.Parse(Path.Combine(templateFolder, TemplateFile));
        Render(Sample);
    }

    public string Render(TrendEvaluationResult result, AlertBudgetResult budget, TrendModelInfo model, string? caveat) =>
        Render(TrendReportPages.Of(result, budget, model, caveat));

    private string Render(TrendReportPage page) => ReportTemplate.Render(template, page);

    /// <summary>Every list with an entry and every optional part present, so the start-up render reaches every name the template uses.</summary>
    private static TrendReportPage Sample
    {
        get
        {
            var chart = new BarChartPage("Titel", 560, 64, 170, [new BarPage("Alla – regel", "#c05621", 26, 150, "50,0 %")]);
            var row = new BudgetRowPage("Alla", true, "10", "1,0", "1,0", "1,1", "50,0 %", "60,0 %", "55,0 %", "24–76 %", "31–83 %",
                "5,0", "8,0", "5,0", "20,0 %", "30,0 %", "+2 (4 elever)", "30,0 %", "28,0 %", "29,0 %");
            var budget = new BudgetSectionPage("2026-08-17", "2026-11-20", "31", "1 000", "35", "6", "10", "alla elever", "0,300", "50,0 %", "20,0 %", "5,0 %", "4,0 %",
                "0,820", "0,790", "10", [row], [new GapPage("Flickor − Pojkar", "modell", "+5,0", "−10,0 till +20,0", true)], "100", "50", "20",
                [new CalibrationPage("0,00–0,05", "100", "0,03", "0,03")], chart);
            var comparisonRow = new ComparisonRowPage("Alla", "1 000", "50", "0,800", "0,700", "50,0 %", "40,0 %", "30,0 %", "25,0 %",
                "10", "5", "4", "5", "1,0", "0,8", "1,0", "2", "1", "2");
            var comparison = new ComparisonSectionPage("14", "200", "1 000", "6", "50", "5,0 %", "10", "100", "0,300", "20,0 %", "0,800",
                "900", "40", "30", "30,0 %", "20,0 %",
                [new ComparisonTablePage("", "Grupp", [comparisonRow], null), new ComparisonTablePage("Per kön", "Kön", [comparisonRow], chart)],
                new RocPage(260, 30, "30,290 290,30", "100.0", "150.0"));
            return new TrendReportPage("Titel", "1", "2025-08-18 – 2026-06-30", "1", "långvarig frånvaro", "abcdef012345", "Förbehåll", budget, comparison);
        }
    }
}
