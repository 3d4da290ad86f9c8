using System.Globalization;
using Scriban;
using Scriban.Runtime;

namespace Skolnarvaro.Templating;

/// <summary>
/// A Scriban template file an analyst may edit, read and rendered one way wherever people read what it makes (digests,
/// the rektor's page, reports): parsed when loaded; rendered with strict names, the model's properties as snake_case
/// globals, Swedish culture and no loop limit. Every error names file, line and column and is thrown as the caller's own
/// exception, because a bad template is a bad setting of the caller's (<paramref name="setting"/>: the folder's key).
/// </summary>
public sealed class StrictTemplate
{
    private readonly Template template;
    private readonly Func<string, Exception> error;

    public StrictTemplate(string path, string setting, Func<string, Exception> error)
    {
        this.error = error;
        if (!File.Exists(path))
        {
            throw error($"{path}: template file not found ({setting}).");
        }

        template = Template.Parse(File.ReadAllText(path), path);
        if (template.HasErrors)
        {
            throw error(string.Join(Environment.NewLine, template.Messages.Select(m => m.ToString())));
        }
    }

    /// <param name="partials">What <c>include</c> may read; none when null.</param>
    /// <param name="functions">Functions the template may call besides Scriban's own.</param>
    public string Render(object model, ITemplateLoader? partials = null, Action<ScriptObject>? functions = null)
    {
        var globals = new ScriptObject();
        globals.Import(model, renamer: StandardMemberRenamer.Default);
        functions?.Invoke(globals);
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            MemberRenamer = StandardMemberRenamer.Default,
            TemplateLoader = partials,
            // Scriban stops loops after 1,000 iterations by default; a large school's first digest, or a municipality's
            // schools and grades in a report, are longer.
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
            throw error($"{e.Span.FileName}({e.Span.Start.Line + 1},{e.Span.Start.Column + 1}): {e.OriginalMessage}");
        }
    }
}
