using System.Globalization;
using Microsoft.Extensions.Options;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace Skolnarvaro.Analysis.Reporting;

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

    private readonly Template template;
    private readonly IReadOnlyDictionary<string, string> partials;

    public TermReportHtml(string templateFolder)
    {
        var main = Path.Combine(templateFolder, TemplateFile);
        template = Parse(main);
        var charts = Path.Combine(templateFolder, ChartsFile);
        Parse(charts);
        // Read once, here: an include during a render uses what was checked at start, not what the file says by then.
        partials = new Dictionary<string, string>(StringComparer.Ordinal) { [charts] = File.ReadAllText(charts) };
        foreach (var sample in TermReportPageSample.All)
        {
            Render(sample);
        }
    }

    public string Render(TermReport report, DateOnly created) => Render(TermReportPage.Of(report, created));

    private string Render(TermReportPage page)
    {
        var globals = new ScriptObject();
        globals.Import(page, renamer: StandardMemberRenamer.Default);
        globals.Import("escape", new Func<string?, string>(Escape));
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            MemberRenamer = StandardMemberRenamer.Default,
            TemplateLoader = new CheckedPartials(partials),
            // A municipality's schools and grades make long tables; Scriban would stop loops after 1,000 iterations.
            LoopLimit = 0,
        };
        context.PushGlobal(globals);
        context.PushCulture(CultureInfo.GetCultureInfo("sv-SE"));
        try
        {
            return template.Render(context);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw Invalid($"{e.Span.FileName}({e.Span.Start.Line + 1},{e.Span.Start.Column + 1}): {e.OriginalMessage}");
        }
    }

    private static Template Parse(string path)
    {
        if (!File.Exists(path))
        {
            throw Invalid($"{path}: template file not found ({ReportOptions.Section}:TemplateFolder).");
        }

        var parsed = Template.Parse(File.ReadAllText(path), path);
        return parsed.HasErrors ? throw Invalid(string.Join(Environment.NewLine, parsed.Messages.Select(m => m.ToString()))) : parsed;
    }

    /// <summary>
    /// A bad template is a bad setting, reported like one: the command line turns options failures into a configuration
    /// error (exit code 2). The digests' templates do the same with their own exception; stages don't share code.
    /// </summary>
    private static OptionsValidationException Invalid(string message) => new(Options.DefaultName, typeof(ReportOptions), [message]);

    /// <summary>Escapes markup only: å, ä and ö stay readable in the file (html.escape would write them as &amp;#229;).</summary>
    private static string Escape(string? s) =>
        (s ?? "").Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
         .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);

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
