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

    private readonly CheckedTemplate html;
    private readonly CheckedTemplate text;
    private readonly CheckedTemplate subject;

    public DigestRenderer(string templateFolder)
    {
        html = new CheckedTemplate(Path.Combine(templateFolder, HtmlFile));
        text = new CheckedTemplate(Path.Combine(templateFolder, TextFile));
        subject = new CheckedTemplate(Path.Combine(templateFolder, SubjectFile));
        Render(SampleModel());
    }

    public RenderedDigest Render(DigestModel model) => new(
        subject.Render(model).Trim().ReplaceLineEndings(" "),
        html.Render(model),
        text.Render(model));

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
