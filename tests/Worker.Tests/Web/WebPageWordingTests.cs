using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Web;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// What the rektor's and the huvudman's pages say, rendered through the shipped templates from page models built the way the
/// endpoints build them. The rendered pages are checked in under Golden/; after a deliberate change run with
/// SKOLNARVARO_UPDATE_GOLDEN=1, look at the diff (and the page in a browser at 1200 and 400 px), and commit it.
/// </summary>
public sealed class WebPageWordingTests
{
    private static readonly WebRenderer Renderer = new(TestFiles.InRepo("templates"));
    private static readonly WebSchool Ekbacken = new("12345678", "Ekbackens skola", false, ["asa.oberg@ekbacken.example.se"]);
    private static readonly DateOnly Since = new(2026, 11, 2);

    private static ListedPupil Listed(int id, Level level, string first, string last, string cls, Investigation? investigation = null) =>
        new([(byte)id, .. new byte[31]], first, last, cls, level, Since, Since.AddDays(-id), 0.02 * id, 0.03 * id, id, investigation);

    private static string Render(string page, object model) =>
        Renderer.Render(page, new PageFrame("Exempel", "Åsa Öberg", new FormToken("__skolnarvaro", "token"), []), model);

    [Fact]
    public void The_school_list_never_calls_a_pupil_with_rising_absence_over_the_limits()
    {
        var page = WebPages.List(Ekbacken, [Listed(1, Level.Trend, "Ebba", "Sjö", "7A"), Listed(2, Level.Trend, "Hugo", "Falk", "8B")], null, null, 10, []);
        var html = System.Net.WebUtility.HtmlDecode(Render("list", page));

        html.Should().NotContain("över gränserna", "both pupils have stigande frånvaro, below every limit");
        html.Should().Contain("Utred skyndsamt</strong> frånvaron hos elever med hög frånvaro eller riskfrånvaro");
    }
}
