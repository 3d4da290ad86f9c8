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
        var page = WebPages.List(Ekbacken, [Listed(1, Level.Trend, "Ebba", "Sjö", "7A"), Listed(2, Level.Trend, "Hugo", "Falk", "8B")], null, null, 10, _ => 0);
        var html = System.Net.WebUtility.HtmlDecode(Render("list", page));

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
        Golden("school_list_without_model.html", Render("list", page));
    }

    [Fact]
    public void Without_a_trend_model_no_column_or_count_of_stigande_franvaro_shows()
    {
        var list = SchoolWithoutModel();
        var lines = new SchoolInvestigations(Ekbacken.Skolenhetskod, 2, 1, 0, 2, 2, 1, []);
        var huvudman = WebPages.Huvudman([Ekbacken], [lines], Term.Containing(Since), 10);

        list.Counts.Should().Be("2 med hög frånvaro · 1 med riskfrånvaro");
        huvudman.ShowTrend.Should().BeFalse();
        Render("huvudman", huvudman).Should().NotContain("Stigande");
        huvudman.Lead.Should().StartWith("2 elever med hög frånvaro · 2 utredningar inledda och 2 anmälda till huvudmannen");
        WebPages.Huvudman([Ekbacken], [lines with { Reported = 1, Started = 1 }], Term.Containing(Since), 10).Lead
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
        var asking = Render("pupil", view with { Confirm = view.Steps.Single(s => s.Code == "Reported") });
        Golden("pupil_asks_before_removing_a_step.html", asking);
        asking.Should().Contain("Ta bort <strong>anmält till huvudmannen 25 november 2026</strong>?").And.Contain("name=\"bekraftat\" value=\"ja\"");
    }

    [Fact]
    public void The_municipalitys_view_is_named_for_what_it_is_and_lists_every_pupil_waiting_for_an_investigation_across_schools()
    {
        var friskola = new WebSchool("87654321", "Björkö friskola", true, ["per.ek@bjorko.example.se"]);
        OverduePupil Waiting(int id, string first, int days) => new([(byte)id, .. new byte[31]], first, "Ek", "7A", Since, days);
        var lines = new[]
        {
            new SchoolInvestigations(Ekbacken.Skolenhetskod, 3, 1, 2, 1, 0, 0, [Waiting(1, "Märta", 14)]) { Waiting = [Waiting(1, "Märta", 14), Waiting(2, "Björn", 3)] },
            new SchoolInvestigations(friskola.Skolenhetskod, 1, 0, 0, 0, 0, 0, []) { Waiting = [Waiting(3, "Saga", 6)] },
        };
        var page = WebPages.Huvudman([Ekbacken, friskola], lines, Term.Containing(Since), 10);
        var html = Render("huvudman", page);

        page.Overdue.Select(o => (o.Name, o.School, o.Overdue)).Should().Equal(
            ("Märta Ek", "Ekbackens skola", true), ("Saga Ek", "Björkö friskola", false), ("Björn Ek", "Ekbackens skola", false));
        html.Should().Contain("Kommunens översikt").And.Contain("Väntar på utredning").And.NotContain("Huvudmannens översikt");
        Golden("kommunens_oversikt.html", html);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static void Golden(string file, string actual)
    {
        var path = TestFiles.InRepo("tests", "Worker.Tests", "Web", "Golden", file);
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
