using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>
/// What the rektor's and the huvudman's pages say, rendered through the shipped templates from page models built the way the
/// endpoints build them. The rendered pages are checked in under Golden/; after a deliberate change run with
/// SKOLNARVARO_UPDATE_GOLDEN=1, look at the diff (and the page in a browser at 1200 and 400 px), and commit it.
/// </summary>
public sealed partial class WebPageWordingTests
{
    private static readonly WebRenderer Renderer = new(TestFiles.InRepo("templates"));
    private static readonly WebSchool Ekbacken = new("12345678", "Ekbackens skola", false, ["asa.oberg@ekbacken.example.se"]) { Huvudman = "Exempelstads kommun" };
    private static readonly WebSchool Bjorko = new("87654321", "Björkö friskola", true, ["per.ek@bjorko.example.se"]) { Huvudman = "Björkö Utbildning AB" };
    private static readonly WebSchool Lindo = new("11223344", "Lindö montessoriskola", true, ["eva.lind@lindo.example.se"]) { Huvudman = "Lindö Montessori AB" };
    private static readonly WebSchool Bjorkvik = new("44332211", "Björkviks skola", true, ["ola.vik@bjorkvik.example.se"]) { Huvudman = "Björkö Utbildning AB" };
    private static readonly DateOnly Since = new(2026, 11, 2);

    private static ListedPupil Listed(int id, Level level, string first, string last, string cls, Investigation? investigation = null) =>
        new([(byte)id, .. new byte[31]], first, last, cls, level, Since, Since.AddDays(-id), 0.02 * id, 0.03 * id, id, investigation);

    private static string Render(WebPage page, object model) =>
        Renderer.Render(page, new PageFrame("Exempel", "Åsa Öberg", new FormToken("__skolnarvaro", "token"), []), model);

    [Fact]
    public void The_school_list_never_calls_a_pupil_with_rising_absence_over_the_limits()
    {
        var page = WebPages.List(Ekbacken, [Listed(1, Level.Trend, "Ebba", "Sjö", "7A"), Listed(2, Level.Trend, "Hugo", "Falk", "8B")], null, null, 10, _ => 0);
        var html = System.Net.WebUtility.HtmlDecode(Render(WebPage.List, page));

        html.Should().NotContain("över gränserna", "both pupils have stigande frånvaro, below every limit");
        html.Should().Contain("Utred skyndsamt</strong> frånvaron hos elever med hög frånvaro eller riskfrånvaro");
    }

    private static readonly Investigation Reported = new(new DateOnly(2026, 11, 23), new DateOnly(2026, 11, 25), null);

    /// <summary>A school without a trend model: hög frånvaro and riskfrånvaro, one pupil with all three steps' dates behind them.</summary>
    private static ListPage SchoolWithoutModel() => WebPages.List(Ekbacken,
    [
        Listed(1, Level.High, "Märta", "Östlund", "7B", Reported),
        Listed(2, Level.High, "Björn", "Ärlig", "8A"),
        Listed(3, Level.AtRisk, "Ali", "Hassan", "9C", new Investigation(new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 3), new DateOnly(2026, 12, 3))),
    ], null, null, 10, _ => 20); // four weeks of school days since the pupils' level

    [Fact]
    public void The_school_list_shows_the_current_step_in_a_few_words_and_all_steps_in_its_title()
    {
        var page = SchoolWithoutModel();

        page.Rows.Select(r => r.Step).Should().Equal("Anmäld 25 november", "Väntar på utredning", "Avslutad 3 december");
        page.Rows[0].Steps.Should().Be("Utredning inledd 23 november · anmäld till huvudmannen 25 november");
        Golden("school_list_without_model.html", Render(WebPage.List, page));
    }

    [Fact]
    public void The_school_list_shows_a_support_request_as_the_current_step_and_the_hand_off_in_all_steps()
    {
        var requested = Reported with { SupportRequestedOn = new DateOnly(2026, 12, 2) };
        var started = requested with { SupportStartedOn = new DateOnly(2026, 12, 4) };
        var page = WebPages.List(Ekbacken, [Listed(1, Level.High, "Märta", "Östlund", "7B", requested), Listed(2, Level.High, "Björn", "Ärlig", "8A", started)],
            null, null, 10, _ => 20);

        page.Rows.Select(r => r.Step).Should().Equal("Stöd begärt 2 december", "Stöd påbörjat 4 december");
        page.Rows[0].Steps.Should().Be("Utredning inledd 23 november · anmäld till huvudmannen 25 november · stöd begärt från skolnärvaroteamet 2 december");
    }

    [Fact]
    public void Without_a_trend_model_no_column_or_count_of_stigande_franvaro_shows()
    {
        var list = SchoolWithoutModel();
        var lines = new SchoolInvestigations(Ekbacken.Skolenhetskod, 2, 1, 0, 2, 2, 1, []);
        var huvudman = WebPages.Kommun([Ekbacken], [lines], Term.Containing(Since), 10);

        list.Counts.Should().Be("2 med hög frånvaro · 1 med riskfrånvaro");
        huvudman.ShowTrend.Should().BeFalse();
        Render(WebPage.Huvudman, huvudman).Should().NotContain("Stigande");
        huvudman.Parts.Single().Lead.Should().StartWith("2 elever med hög frånvaro · 2 utredningar inledda och 2 anmälda till huvudmannen");
        WebPages.Kommun([Ekbacken], [lines with { Reported = 1, Started = 1 }], Term.Containing(Since), 10).Parts.Single().Lead
            .Should().StartWith("2 elever med hög frånvaro · 1 utredning inledd och 1 anmäld till huvudmannen");
    }

    [Fact]
    public void A_saved_step_says_what_was_saved_and_removing_one_asks_first()
    {
        var key = new byte[32];
        var pupil = new PupilPage(key, Ekbacken.Skolenhetskod, "Märta", "Östlund", "7B", Level.High, Since, 0.18, 0.31,
            ["Frånvarande hela dagen 12 skoldagar i följd från 2 november till och med senaste exporten (17 november)."], Term.Containing(Since),
            [new PupilWeek(new DateOnly(2026, 10, 19), 1500, 60, 0, 0, 0), new PupilWeek(new DateOnly(2026, 11, 2), 1500, 1500, 0, 0, 0),
             new PupilWeek(new DateOnly(2026, 11, 9), 1500, 0, 0, 0, 1500)], true, [], Reported, []);
        var view = WebPages.Pupil(Ekbacken, pupil, null, [], new FixedTime(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero)), canRecord: true);

        WebPages.StepNotice(view, InvestigationStep.Started, removed: false).Should().Be("Sparat: Utredning inledd 23 november 2026.");
        WebPages.StepNotice(view, InvestigationStep.Reported, removed: true).Should().Be("Borttaget: Anmält till huvudmannen.");
        var asking = Render(WebPage.Pupil, view with { Confirm = view.Steps.Single(s => s.Code == "Reported") });
        Golden("pupil_asks_before_removing_a_step.html", asking);
        asking.Should().Contain("Ta bort <strong>anmält till huvudmannen 25 november 2026</strong>?").And.Contain("name=\"bekraftat\" value=\"ja\"");
    }

    private static OverduePupil Waiting(int id, string first, int days) => new([(byte)id, .. new byte[31]], first, "Ek", "7A", Since, days);

    /// <summary>A kommunal school and three fristående ones under two huvudmän, each with pupils waiting for an investigation.</summary>
    private static SchoolInvestigations[] FourSchools() =>
    [
        new(Ekbacken.Skolenhetskod, 3, 1, 2, 1, 0, 0, [Waiting(1, "Märta", 14)]) { Waiting = [Waiting(1, "Märta", 14), Waiting(2, "Björn", 3)] },
        new(Bjorko.Skolenhetskod, 1, 0, 0, 1, 1, 0, []) { Waiting = [Waiting(3, "Saga", 6)] },
        new(Bjorkvik.Skolenhetskod, 2, 1, 0, 0, 0, 0, [Waiting(4, "Omar", 12)]) { Waiting = [Waiting(4, "Omar", 12)] },
        new(Lindo.Skolenhetskod, 1, 2, 0, 0, 0, 0, []) { Waiting = [Waiting(5, "Ebba", 2)] },
    ];

    [Fact]
    public void The_municipalitys_view_shows_its_own_schools_apart_from_the_fristaende_ones_and_is_not_their_huvudman()
    {
        var page = WebPages.Kommun([Ekbacken, Bjorko, Bjorkvik, Lindo], FourSchools(), Term.Containing(Since), 10);
        var html = System.Net.WebUtility.HtmlDecode(Render(WebPage.Huvudman, page));

        page.Kicker.Should().Be("Kommunens översikt");
        page.Parts.Select(p => (p.Heading, p.Note)).Should().Equal(
            ("Kommunala skolor", "Exempelstads kommun är huvudman: rektorerna anmäler till kommunen att en utredning har inletts."),
            ("Fristående skolor", "Kommunen är inte huvudman för de fristående skolorna. Den följer närvaron där för att nå alla elever i kommunen, " +
                                  "men utredningen och anmälan görs av skolan och dess egen huvudman."));
        var (kommunal, fristaende) = (page.Parts[0], page.Parts[1]);
        kommunal.Rows.Select(r => r.School).Should().Equal("Ekbackens skola");
        kommunal.Overdue.Select(o => (o.Name, o.Overdue)).Should().Equal(("Märta Ek", true), ("Björn Ek", false));
        kommunal.Lead.Should().Be("3 elever med hög frånvaro · 1 utredning inledd och 0 anmälda till huvudmannen under terminen · " +
                                  "1 elev med hög frånvaro i mer än 10 skoldagar utan registrerad utredning");
        fristaende.Rows.Select(r => (r.School, r.Huvudman)).Should().Equal(
            ("Björkviks skola", "Björkö Utbildning AB"), ("Björkö friskola", "Björkö Utbildning AB"), ("Lindö montessoriskola", "Lindö Montessori AB"));
        fristaende.Overdue.Select(o => o.School).Should().Equal("Björkviks skola", "Björkö friskola", "Lindö montessoriskola");
        fristaende.Lead.Should().Contain("1 anmäld till sin huvudman under terminen").And.NotContain("till huvudmannen");
        html.Should().NotContain("Huvudmannens översikt");
        html[..html.IndexOf("<h2 class=\"part\">Fristående skolor", StringComparison.Ordinal)].Should().NotContain("/skola/87654321")
            .And.NotContain("/skola/44332211").And.NotContain("/skola/11223344");
        Golden("kommunens_oversikt.html", Render(WebPage.Huvudman, page));
    }

    [Fact]
    public void A_fristaende_huvudmans_overview_holds_its_own_schools_only_however_many_lines_it_is_given()
    {
        var page = WebPages.Huvudman("Björkö Utbildning AB", [Ekbacken, Bjorko, Bjorkvik, Lindo], FourSchools(), Term.Containing(Since), 10);
        var html = System.Net.WebUtility.HtmlDecode(Render(WebPage.Huvudman, page));

        page.Kicker.Should().Be("Huvudmannens översikt · Björkö Utbildning AB");
        var part = page.Parts.Single();
        part.Heading.Should().BeNull("the whole page is the one huvudman's");
        part.Rows.Select(r => r.School).Should().Equal("Björkviks skola", "Björkö friskola");
        part.Overdue.Select(o => o.Name).Should().Equal("Omar Ek", "Saga Ek");
        part.Lead.Should().Be("3 elever med hög frånvaro · 1 utredning inledd och 1 anmäld till huvudmannen under terminen · " +
                              "1 elev med hög frånvaro i mer än 10 skoldagar utan registrerad utredning");
        html.Should().NotContain("Ekbackens skola").And.NotContain("Lindö").And.NotContain("Märta").And.NotContain("Kommunens översikt")
            .And.NotContain("kommun är huvudman", "the municipality is not this huvudman");
        Golden("huvudmannens_oversikt.html", Render(WebPage.Huvudman, page));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    internal static void Golden(string file, string actual)
    {
        var path = TestFiles.InRepo("tests", "Web.Tests", "Golden", file);
        if (Environment.GetEnvironmentVariable("SKOLNARVARO_UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"{file} is missing; run once with SKOLNARVARO_UPDATE_GOLDEN=1 to create it");
        actual.ReplaceLineEndings("\n").Should().Be(File.ReadAllText(path).ReplaceLineEndings("\n"), $"the rendering differs from {file}");
    }
}
