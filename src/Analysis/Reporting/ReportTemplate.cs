using System.Globalization;
using Microsoft.Extensions.Options;
using Scriban;
using Scriban.Runtime;

namespace Skolnarvaro.Analysis.Reporting;

/// <summary>
/// The analysts' report templates (the term report, the trend evaluation): parsed from the template folder and rendered with
/// strict names, in Swedish culture, with <c>escape</c> for markup. A bad template is a bad setting, reported like one: the
/// command line turns options failures into a configuration error (exit code 2). The digests' templates do the same with
/// their own exception; stages don't share code.
/// </summary>
internal static class ReportTemplate
{
    public static Template Parse(string path)
    {
        if (!File.Exists(path))
        {
            throw Invalid($"{path}: template file not found ({ReportOptions.Section}:TemplateFolder).");
        }

        var parsed = Template.Parse(File.ReadAllText(path), path);
        return parsed.HasErrors ? throw Invalid(string.Join(Environment.NewLine, parsed.Messages.Select(m => m.ToString()))) : parsed;
    }

    public static string Render(Template template, object page, ITemplateLoader? partials = null)
    {
        var globals = new ScriptObject();
        globals.Import(page, renamer: StandardMemberRenamer.Default);
        globals.Import("escape", new Func<string?, string>(Escape));
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            MemberRenamer = StandardMemberRenamer.Default,
            TemplateLoader = partials,
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

    private static OptionsValidationException Invalid(string message) => new(Options.DefaultName, typeof(ReportOptions), [message]);

    /// <summary>Escapes markup only: å, ä and ö stay readable in the file (html.escape would write them as &amp;#229;).</summary>
    private static string Escape(string? s) =>
        (s ?? "").Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal)
         .Replace(">", "&gt;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal);
}
