namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// One kind of mail's three templates by their common stem: "digest" is digest.subject.sbn, digest.html.sbn and
/// digest.txt.sbn in the template folder. The subject is one line whatever the template's line breaks.
/// </summary>
public sealed class MailTemplates(string templateFolder, string stem)
{
    private readonly CheckedTemplate subject = new(Path.Combine(templateFolder, SubjectFile(stem)));
    private readonly CheckedTemplate html = new(Path.Combine(templateFolder, HtmlFile(stem)));
    private readonly CheckedTemplate text = new(Path.Combine(templateFolder, TextFile(stem)));

    public static string SubjectFile(string stem) => $"{stem}.subject.sbn";
    public static string HtmlFile(string stem) => $"{stem}.html.sbn";
    public static string TextFile(string stem) => $"{stem}.txt.sbn";

    public RenderedDigest Render(object model) => new(subject.Render(model).Trim().ReplaceLineEndings(" "), html.Render(model), text.Render(model));
}
