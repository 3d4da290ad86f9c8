using System.Net;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Schools;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>The school's list and a pupil's page as a mentor and elevhälsan see them, against golden files.</summary>
public sealed partial class WebPageWordingTests
{
    private static readonly PageViewer MentorOf7Band8A = new(new PageScope([Ekbacken.Skolenhetskod], ["8A", "7B"]), RecipientGroup.Mentor);
    private static readonly PageViewer Elevhalsan = new(new PageScope([Ekbacken.Skolenhetskod]), RecipientGroup.Elevhalsan);

    [Fact]
    public void A_mentors_list_says_whose_it_is_and_what_to_do_first_without_the_legal_steps()
    {
        var rendered = Render(WebPage.List, WebPages.ForViewer(SchoolWithoutModel(), MentorOf7Band8A, Ekbacken));

        Golden("mentor_list.html", rendered);
        var html = WebUtility.HtmlDecode(rendered);
        html.Should().Contain("<h1>Mentor för 7B och 8A, Ekbackens skola</h1>").And.Contain("Kontakta vårdnadshavarna</strong> samma vecka");
        html.Should().NotContain("Utred skyndsamt").And.NotContain("<th>Utredning</th>").And.NotContain("Anmäld").And.NotContain("pågående utredning");
    }

    [Fact]
    public void Elevhalsans_list_shows_the_steps_and_says_the_rektor_records_them()
    {
        var rendered = Render(WebPage.List, WebPages.ForViewer(SchoolWithoutModel(), Elevhalsan, Ekbacken));

        Golden("elevhalsan_list.html", rendered);
        var html = WebUtility.HtmlDecode(rendered);
        html.Should().Contain("<h1>Elevhälsan, Ekbackens skola</h1>").And.Contain("<th>Utredning</th>").And.Contain("registreras av rektorn");
    }

    [Fact]
    public void A_mentors_pupil_page_has_no_steps_and_elevhalsans_has_them_without_buttons()
    {
        var pupil = new PupilPage(new byte[32], Ekbacken.Skolenhetskod, "Märta", "Östlund", "7B", Level.High, Since, 0.18, 0.31,
            ["Frånvarande 31 % av den schemalagda tiden de senaste 20 skoldagarna."], Term.Containing(Since),
            [new PupilWeek(new DateOnly(2026, 10, 19), 1500, 60, 0, 0, 0)], true, [], Reported, []);
        var view = WebPages.Pupil(Ekbacken, pupil, null, [], new FixedTime(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)), canRecord: false);

        var rendered = Render(WebPage.Pupil, WebPages.ForViewer(view, MentorOf7Band8A, Ekbacken));
        Golden("mentor_pupil.html", rendered);
        var mentor = WebUtility.HtmlDecode(rendered);
        mentor.Should().Contain(">Mentor för 7B och 8A, Ekbackens skola</a> › elev").And.NotContain("Utredningens steg").And.NotContain("<form method=\"post\" action=\"/skola");
        var eht = WebUtility.HtmlDecode(Render(WebPage.Pupil, WebPages.ForViewer(view, Elevhalsan, Ekbacken)));
        eht.Should().Contain(">Elevhälsan, Ekbackens skola</a> › elev").And.Contain("Anmält till huvudmannen").And.Contain("Stegen registreras av skolans rektor.");
        eht.Should().NotContain("value=\"spara\"");
    }
}
