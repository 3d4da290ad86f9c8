using System.Globalization;
using Scriban;
using Scriban.Runtime;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// A Scriban template file an analyst may edit: parsed on load, rendered with strict variables, and every error
/// reported as a <see cref="TemplateException"/> with file, line and column.
/// </summary>
public sealed class CheckedTemplate
{
    private readonly Template template;

    public CheckedTemplate(string path)
    {
        if (!File.Exists(path))
        {
            throw new TemplateException($"{path}: template file not found (Skolnarvaro:Notifications:TemplateFolder).");
        }

        template = Template.Parse(File.ReadAllText(path), path);
        if (template.HasErrors)
        {
            throw new TemplateException(string.Join(Environment.NewLine, template.Messages.Select(m => m.ToString())));
        }
    }

    /// <summary>Renders with the model's properties as snake_case globals (school.name, pupils…), in Swedish culture.</summary>
    public string Render(object model)
    {
        var globals = new ScriptObject();
        globals.Import(model, renamer: StandardMemberRenamer.Default);
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            MemberRenamer = StandardMemberRenamer.Default,
            // Scriban stops loops after 1,000 iterations by default; a large school's first digest lists more pupils.
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
            throw new TemplateException($"{e.Span.FileName}({e.Span.Start.Line + 1},{e.Span.Start.Column + 1}): {e.OriginalMessage}");
        }
    }
}

public sealed class TemplateException(string message) : Exception(message);
