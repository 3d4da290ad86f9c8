using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Skolnarvaro.Templating;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// The committees' report as one self-contained HTML file, laid out by <c>term-report.html.sbn</c> (which includes
/// <c>term-report-charts.sbn</c>) in the template folder, so analysts can change its text, look and charts. Both files
/// are read, parsed and rendered against sample pages when this is created, at start-up: a syntax error or an unknown
/// name stops the start with file, line and column, reported as a configuration error (exit code 2).
/// </summary>
public sealed class TermReportHtml
{
    public const string TemplateFile = "term-report.html.sbn";
    public const string ChartsFile = "term-report-charts.sbn";

    private readonly StrictTemplate template;
    private readonly IReadOnlyDictionary<string, string> partials;

    public TermReportHtml(string templateFolder)
    {
        var main = Path.Combine(templateFolder, TemplateFile);
        template = ReportTemplate.Parse(main);
        var charts = Path.Combine(templateFolder, ChartsFile);
        ReportTemplate.Parse(charts);
        // Read once, here: an include during a render uses what was checked at start, not what the file says by then.
        partials = new Dictionary<string, string>(StringComparer.Ordinal) { [charts] = File.ReadAllText(charts) };
        foreach (var sample in TermReportPageSample.All)
        {
            Render(sample);
        }
    }

    public string Render(TermReport report, DateOnly created) => Render(TermReportPage.Of(report, created));

    private string Render(TermReportPage page) => ReportTemplate.Render(template, page, new CheckedPartials(partials));

    /// <summary><c>include "term-report-charts.sbn"</c>: only the partials read and checked at start, from the template folder.</summary>
    private sealed class CheckedPartials(IReadOnlyDictionary<string, string> partials) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            partials.Keys.FirstOrDefault(p => Path.GetFileName(p) == templateName)
            ?? throw new Scriban.Syntax.ScriptRuntimeException(callerSpan,
                $"'{templateName}' is not a partial of the term report; it can include {string.Join(", ", partials.Keys.Select(Path.GetFileName))}.");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) => partials[templatePath];

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) => new(partials[templatePath]);
    }
}
