using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>What a page's template sees: its model as <c>page</c> and the antiforgery field every form carries as <c>form</c>.</summary>
public sealed record PageBody(FormToken? Form, object Page);

/// <summary>What the frame template sees: the page's frame and its rendered body.</summary>
public sealed record LayoutModel(string Title, string? User, FormToken? Form, IReadOnlyList<NavLink> Nav, string Body);

/// <summary>
/// The pages the endpoints render, each from its template templates/web/{name in lower case}.html.sbn. An endpoint can only
/// name a page of this list, and every one of them is loaded and rendered when the host starts.
/// </summary>
public enum WebPage { Message, Login, Schools, List, Pupil, Huvudman, Team }

/// <summary>
/// The pages' Scriban templates (templates/web/), strict like the digest's: a missing file or an unknown variable stops the
/// worker's start with file, line and column, not a rektor's request.
/// </summary>
public sealed class WebRenderer
{
    private readonly CheckedTemplate layout;
    private readonly Dictionary<WebPage, CheckedTemplate> pages;

    public WebRenderer(string templateFolder)
    {
        var folder = Path.Combine(templateFolder, "web");
        layout = new CheckedTemplate(Path.Combine(folder, "layout.html.sbn"));
        pages = Enum.GetValues<WebPage>().ToDictionary(p => p, p => new CheckedTemplate(Path.Combine(folder, TemplateFile(p))));
        var samples = Samples().ToList();
        foreach (var (page, model) in samples)
        {
            Render(page, new PageFrame("Exempel", "Anna Rektor", new FormToken("__skolnarvaro", "token"), [new NavLink("Exempelskolan", "/skola/12345678", true)]), model);
        }

        // A page without a sample would have its template parsed but never rendered before a rektor asks for it.
        if (Enum.GetValues<WebPage>().Except(samples.Select(s => s.Page)).ToList() is { Count: > 0 } unsampled)
        {
            throw new InvalidOperationException($"WebRenderer has no sample model for page(s) {string.Join(", ", unsampled)}: add one to its Samples().");
        }
    }

    /// <summary>The page's template file name in templates/web/.</summary>
    public static string TemplateFile(WebPage page) => $"{page.ToString().ToLowerInvariant()}.html.sbn";

    /// <summary>Every page with every field set, rendered at start-up so a template error stops the start, not a rektor's request.</summary>
    private static IEnumerable<(WebPage Page, object Model)> Samples()
    {
        var school = new WebSchool("12345678", "Exempelskolan", false, ["anna.rektor@example.se"]);
        var key = new byte[32];
        var since = new DateOnly(2026, 10, 12);
        var investigation = new Investigation(new DateOnly(2026, 10, 20), new DateOnly(2026, 10, 22), null);
        var listed = new ListedPupil(key, "Märta", "Östlund", "7B", Level.High, since, since, 0.18, 0.31, 1, investigation);
        var week = new PupilWeek(new DateOnly(2026, 10, 12), 1500, 120, 300, 20, 60);
        var term = Term.Containing(since);
        var episode = new LevelEpisode(1, school.Skolenhetskod, key, Level.AtRisk, since, 1, EnteredAs.New, new DateOnly(2026, 10, 26), 2, LeftBecause.Escalated, since);
        var pupil = new PupilPage(key, school.Skolenhetskod, "Märta", "Östlund", "7B", Level.High, since, 0.18, 0.31, ["Frånvarande 31 %."], term,
            [week, week with { Monday = new DateOnly(2026, 10, 19), Scheduled = 0, NotReported = 0 }], false, [episode],
            investigation, [new InvestigationChange(InvestigationStep.Started, since, "anna.rektor@example.se", DateTimeOffset.UnixEpoch)]);
        var lines = new SchoolInvestigations(school.Skolenhetskod, 1, 2, 0, 1, 1, 0, [new OverduePupil(key, "Märta", "Östlund", "7B", since, 12)]);
        yield return (WebPage.Message, new MessagePage("Rubrik", ["Rad"], "Knapp", "/in", "token"));
        yield return (WebPage.Message, new MessagePage("Rubrik", ["Rad"], "Länk", "/", null));
        yield return (WebPage.Login, new LoginPage("Fel", true, true));
        yield return (WebPage.Schools, new { Schools = new[] { new NavLink("Exempelskolan", "/skola/12345678", false) } });
        yield return (WebPage.List, WebPages.List(school, [listed], null, null, 10, _ => 1));
        yield return (WebPage.List, WebPages.List(school, [], "7B", "klass", 10, _ => 0));
        yield return (WebPage.Pupil, WebPages.Pupil(school, pupil, "Fel", ["Varning"], TimeProvider.System, true));
        yield return (WebPage.Pupil, WebPages.Pupil(school, pupil, null, [], TimeProvider.System, false));
        // Each group's view of the list and the pupil: their headings, guidance and the steps shown or not.
        foreach (var group in new[] { RecipientGroup.Mentor, RecipientGroup.Elevhalsan })
        {
            var viewer = new PageViewer(new PageScope([school.Skolenhetskod], group == RecipientGroup.Mentor ? ["7B"] : null), group);
            yield return (WebPage.List, WebPages.ForViewer(WebPages.List(school, [listed], null, null, 10, _ => 1), viewer, school));
            yield return (WebPage.List, WebPages.ForViewer(WebPages.List(school, [], null, null, 10, _ => 1), viewer, school));
            yield return (WebPage.Pupil, WebPages.ForViewer(WebPages.Pupil(school, pupil, null, [], TimeProvider.System, false), viewer, school));
        }

        var handedOver = pupil with { Investigation = investigation with { SupportRequestedOn = new DateOnly(2026, 10, 26) } };
        yield return (WebPage.Pupil, WebPages.Pupil(school with { TeamEmails = ["team@example.se"] }, handedOver, null, [], TimeProvider.System, true));
        var requested = new TeamPupil(school.Skolenhetskod, key, "Märta", "Östlund", "7B",
            investigation with { SupportRequestedOn = since, SupportStartedOn = since }, [week, week with { Scheduled = 0 }]);
        var teamView = TeamPages.View([school], [requested], since.AddMonths(7), "Fel") with { Notice = "Sparat." };
        var card = teamView.Pupils[0];
        yield return (WebPage.Team, teamView with { Confirm = new TeamConfirm(card.Name, card.StepHref, card.Anchor, card.Steps[0]) });
        yield return (WebPage.Team, TeamPages.View([school], [], since, null));
        var friskola = new WebSchool("87654321", "Exempelfriskolan", true, ["per.rektor@example.se"]) { Huvudman = "Exempel Skolor AB" };
        yield return (WebPage.Huvudman, WebPages.Kommun([school, friskola], [lines, lines with { Skolenhetskod = friskola.Skolenhetskod }], term, 10));
        var supported = lines with { Support = new SupportRequests(2, 1, [3, 5], [4]) };
        yield return (WebPage.Huvudman, WebPages.Kommun([school with { TeamEmails = ["team@example.se"] }], [supported], term, 10));
        yield return (WebPage.Huvudman, WebPages.Huvudman(friskola.Huvudman, [school, friskola], [lines with { Skolenhetskod = friskola.Skolenhetskod }], term, 10));
    }

    public string Render(WebPage page, PageFrame frame, object model) =>
        layout.Render(new LayoutModel(frame.Title, frame.User, frame.Form, frame.Nav, pages[page].Render(new PageBody(frame.Form, model))));
}
