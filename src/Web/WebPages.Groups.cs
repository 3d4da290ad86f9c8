using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>The school's list and a pupil's page as another group sees them: its heading, its guidance, the steps or not.</summary>
public static partial class WebPages
{
    /// <summary>The list as the viewer sees it; a rektor's, analyst's or huvudman's view is the page as built.</summary>
    public static ListPage ForViewer(ListPage page, PageViewer viewer, WebSchool school) => viewer.Group switch
    {
        RecipientGroup.Mentor => page with
        {
            Heading = ViewerHeading(viewer, school),
            Kicker = "Elever i dina klasser med hög frånvaro, riskfrånvaro eller stigande frånvaro",
            Group = RecipientGroup.Mentor.ToString(),
            ShowsSteps = false,
            Note = page.Note is null ? null : "Ingen elev i dina klasser har i dag frånvaro över gränserna eller stigande frånvaro.",
        },
        RecipientGroup.Elevhalsan => page with { Heading = ViewerHeading(viewer, school), Group = RecipientGroup.Elevhalsan.ToString() },
        _ => page,
    };

    /// <summary>A pupil's page as the viewer sees it: a mentor without the steps, elevhälsan with them to read.</summary>
    public static PupilView ForViewer(PupilView page, PageViewer viewer, WebSchool school) => viewer.Group switch
    {
        RecipientGroup.Mentor => page with { ListName = ViewerHeading(viewer, school), ShowsSteps = false, CanRecord = false },
        RecipientGroup.Elevhalsan => page with { ListName = ViewerHeading(viewer, school), CanRecord = false },
        _ => page,
    };

    /// <summary>"Mentor för 4A och 5B, Björkskolan", "Elevhälsan, Björkskolan": whose view a page is, at its top.</summary>
    public static string ViewerHeading(PageViewer viewer, WebSchool school) => viewer.Group switch
    {
        RecipientGroup.Mentor => $"Mentor för {Classes(viewer.Scope.Classes ?? [])}, {school.Name}",
        RecipientGroup.Elevhalsan => $"Elevhälsan, {school.Name}",
        _ => school.Name,
    };

    /// <summary>"4A", "4A och 5B", "4A, 5B och 6C".</summary>
    private static string Classes(IReadOnlyCollection<string> classes)
    {
        var ordered = classes.Order(SchoolClassOrder.Instance).ToList();
        return ordered.Count <= 1 ? string.Concat(ordered) : $"{string.Join(", ", ordered[..^1])} och {ordered[^1]}";
    }
}
