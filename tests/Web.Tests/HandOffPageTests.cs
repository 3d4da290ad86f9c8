using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>The hand-off on the rektor's page: "Stöd begärt" beside the school's steps where there is a team, the team's steps shown, never recorded there.</summary>
public sealed class HandOffPageTests
{
    private static readonly WebRenderer Renderer = new(TestFiles.InRepo("templates"));
    private static readonly WebSchool WithTeam = new("12345678", "Ekbackens skola", false, ["asa.oberg@ekbacken.example.se"])
    {
        Huvudman = "Exempelstads kommun", TeamEmails = ["narvaroteamet@exempelstad.example.se"],
    };
    private static readonly WebSchool WithoutTeam = WithTeam with { TeamEmails = [] };
    private static readonly DateOnly Since = new(2026, 11, 2);
    private static readonly FixedTime Today = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));

    private static PupilPage Pupil(Investigation? steps) => new(new byte[32], WithTeam.Skolenhetskod, "Märta", "Östlund", "7B", Level.High, Since, 0.18, 0.31,
        [], Term.Containing(Since), [new PupilWeek(new DateOnly(2026, 11, 2), 1500, 600, 0, 0, 0)], true, [], steps, []);

    private static string Render(PupilView view) =>
        Renderer.Render(WebPage.Pupil, new PageFrame("Exempel", "Åsa Öberg", new FormToken("__skolnarvaro", "token"), []), view);

    [Fact]
    public void After_the_report_the_rektor_of_a_school_with_a_team_can_request_support_and_sees_the_teams_steps_unrecordable()
    {
        var requested = new Investigation(new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 5), null, new DateOnly(2026, 11, 20));
        var view = WebPages.Pupil(WithTeam, Pupil(requested), null, [], Today, canRecord: true);

        view.Steps.Select(s => (s.Code, s.Date, s.Enabled, s.ReadOnly)).Should().Equal(
            ("Started", "3 november 2026", true, false), ("Reported", "5 november 2026", true, false), ("Closed", null, true, false),
            ("SupportRequested", "20 november 2026", true, false), ("SupportStarted", null, true, true), ("SupportEnded", null, false, true));
        var html = Render(view);
        html.Should().Contain("Stöd begärt från skolnärvaroteamet").And.Contain("Registreras av skolnärvaroteamet.");
        var teamRows = html[html.IndexOf("value=\"SupportStarted\"", StringComparison.Ordinal)..];
        teamRows[..teamRows.LastIndexOf("</form>", StringComparison.Ordinal)].Should().NotContain("name=\"datum\"", "the rektor has no form for the team's steps");
        WebPageWordingTests.Golden("pupil_with_support_requested.html", html);
    }

    [Fact]
    public void Before_the_report_the_support_request_waits_for_it()
    {
        var started = new Investigation(new DateOnly(2026, 11, 3), null, null);
        var step = WebPages.Pupil(WithTeam, Pupil(started), null, [], Today, canRecord: true).Steps.Single(s => s.Code == "SupportRequested");

        (step.Enabled, step.Hint).Should().Be((false, "Registrera först anmälan till huvudmannen."));
    }

    [Fact]
    public void A_school_without_a_team_shows_no_support_request_and_its_rektor_cannot_record_one()
    {
        var reported = new Investigation(new DateOnly(2026, 11, 3), new DateOnly(2026, 11, 5), null);

        WebPages.Pupil(WithoutTeam, Pupil(reported), null, [], Today, canRecord: true).Steps.Select(s => s.Code)
            .Should().Equal("Started", "Reported", "Closed");
        StepOwners.RektorRecords(WithoutTeam, InvestigationStep.SupportRequested).Should().BeFalse();
        StepOwners.RektorRecords(WithTeam, InvestigationStep.SupportRequested).Should().BeTrue();
        StepOwners.RektorRecords(WithTeam, InvestigationStep.SupportStarted).Should().BeFalse("the team's step");
        StepOwners.TeamRecords(InvestigationStep.SupportRequested).Should().BeFalse("the rektor's step");
    }

    [Fact]
    public void The_municipalitys_view_counts_the_support_requests_and_how_soon_they_came_and_were_started()
    {
        var lines = new SchoolInvestigations(WithTeam.Skolenhetskod, 3, 1, 0, 3, 3, 0, [])
        {
            Support = new SupportRequests(3, 2, [2, 4, 9], [5, 6]),
        };

        var page = WebPages.Kommun([WithTeam], [lines], Term.Containing(Since), 10);

        page.ShowSupport.Should().BeTrue();
        var part = page.Parts.Single();
        (part.Total.SupportRequested, part.Total.SupportStarted).Should().Be((3, 2));
        part.SupportLine.Should().Be("Stöd från skolnärvaroteamet: 3 begäranden under terminen, median 4 skoldagar efter anmälan till huvudmannen · " +
                                     "2 påbörjade, median 5,5 skoldagar efter begäran. Frånvaron före och med stödet, för flickor och pojkar var för sig: se terminsrapporten.");
        WebPages.Kommun([WithoutTeam], [lines with { Support = SupportRequests.None }], Term.Containing(Since), 10).ShowSupport
            .Should().BeFalse("no team and no request: the view is as it was");
        WebPageWordingTests.Golden("kommunens_oversikt_med_stod.html",
            Renderer.Render(WebPage.Huvudman, new PageFrame("Exempel", "Ada Analytiker", new FormToken("__skolnarvaro", "token"), []), page));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
