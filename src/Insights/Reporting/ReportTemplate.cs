using Microsoft.Extensions.Options;
using Scriban.Runtime;
using Skolnarvaro.Templating;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// The analysts' report templates (the term report, the trend evaluation): parsed from the template folder and rendered with
/// strict names, in Swedish culture, with <c>escape</c> for markup. A bad template is a bad setting, reported like one: the
/// command line turns options failures into a configuration error (exit code 2). The reading and rendering is
/// <see cref="StrictTemplate"/>'s, shared with the digests.
/// </summary>
internal static class ReportTemplate
{
    public static StrictTemplate Parse(string path) => new(path, $"{ReportOptions.Section}:TemplateFolder", Invalid);

    public static string Render(StrictTemplate template, object page, ITemplateLoader? partials = null) =>
        template.Render(page, partials, globals => globals.Import("escape", new Func<string?, string>(Escape)));

    private static OptionsValidationException Invalid(string message) => new(Options.DefaultName, typeof(ReportOptions), [message]);

    /// <summary>Escapes markup only: å, ä and ö stay readable in the file (html.escape would write them as &amp;#229;).</summary>
    private static string Escape(string? s) =>
        (s ?? "").Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
         .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
