using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Web;

/// <summary>What a page's template sees: its model as <c>page</c> and the antiforgery field every form carries as <c>form</c>.</summary>
public sealed record PageBody(FormToken? Form, object Page);

/// <summary>What the frame template sees: the page's frame and its rendered body.</summary>
public sealed record LayoutModel(string Title, string? User, FormToken? Form, IReadOnlyList<NavLink> Nav, string Body);

/// <summary>
/// The pages' Scriban templates (templates/web/), strict like the digest's: a missing file or an unknown variable stops the
/// worker's start with file, line and column, not a rektor's request.
/// </summary>
public sealed class WebRenderer
{
    public static readonly string[] Pages = ["message", "login", "list", "pupil", "huvudman", "schools"];

    private readonly CheckedTemplate layout;
    private readonly Dictionary<string, CheckedTemplate> pages;

    public WebRenderer(string templateFolder)
    {
        var folder = Path.Combine(templateFolder, "web");
        layout = new CheckedTemplate(Path.Combine(folder, "layout.html.sbn"));
        pages = Pages.ToDictionary(p => p, p => new CheckedTemplate(Path.Combine(folder, $"{p}.html.sbn")));
    }

    public string Render(string page, PageFrame frame, object model) =>
        layout.Render(new LayoutModel(frame.Title, frame.User, frame.Form, frame.Nav, pages[page].Render(new PageBody(frame.Form, model))));
}
