using System.Globalization;
using Scriban;
using Scriban.Runtime;

namespace Skolnarvaro.Notifications.Digests;

public sealed record RenderedDigest(string Subject, string Html, string Text);

/// <summary>
/// Renders digests with the Scriban templates an analyst can edit. Templates are parsed, and rendered once against
/// a sample digest, at start-up: a syntax error or an unknown variable stops the start with file, line and column.
/// </summary>
public sealed class DigestRenderer
{
    public const string HtmlFile = "digest.html.sbn";
    public const string TextFile = "digest.txt.sbn";
    public const string SubjectFile = "digest.subject.sbn";

    private readonly Template html;
    private readonly Template text;
    private readonly Template subject;

    public DigestRenderer(string templateFolder)
    {
        html = Load(Path.Combine(templateFolder, HtmlFile));
        text = Load(Path.Combine(templateFolder, TextFile));
        subject = Load(Path.Combine(templateFolder, SubjectFile));
        Render(SampleModel());
    }

    public RenderedDigest Render(DigestModel model) => new(
        Run(subject, model).Trim().ReplaceLineEndings(" "),
        Run(html, model),
        Run(text, model));

    private static Template Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new TemplateException($"{path}: template file not found (Skolnarvaro:Notifications:TemplateFolder).");
        }

        var template = Template.Parse(File.ReadAllText(path), path);
        if (template.HasErrors)
        {
            throw new TemplateException(string.Join(Environment.NewLine, template.Messages.Select(m => m.ToString())));
        }

        return template;
    }

    private static string Run(Template template, DigestModel model)
    {
        var globals = new ScriptObject();
        globals.Import(model, renamer: StandardMemberRenamer.Default);
        var context = new TemplateContext
        {
            StrictVariables = true,
            EnableRelaxedMemberAccess = false,
            MemberRenamer = StandardMemberRenamer.Default,
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

    /// <summary>A digest with every field set, used to check the templates at start-up.</summary>
    public static DigestModel SampleModel() => new(
        new DigestSchool("12345678", "Exempelskolan", "Exempelstads kommun", "Anna Rektor"),
        "20 november 2026",
        [
            new DigestPupil("Märta Ö.", "7B", "Hög frånvaro", "High", "Ny", "20 november 2026",
                ["Frånvarande hela dagen 6 skoldagar i följd från 2 november och är fortfarande frånvarande."]),
            new DigestPupil("Björn Å.", "8A", "Riskfrånvaro", "AtRisk", "Har ökat", "20 november 2026",
                ["Frånvarande 13 % av den schemalagda tiden de senaste 20 skoldagarna, varav ogiltig frånvaro 5 %."]),
        ],
        ["Skolans senaste export gäller 6 november 2026; uppgifterna kan vara inaktuella."],
        1, 1, 0, 1, 1, 0);
}

public sealed class TemplateException(string message) : Exception(message);
