using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;
using Skolnarvaro.Web;

namespace Skolnarvaro.Web.Tests;

/// <summary>The skolnärvaroteam's link: to every school that lists the address, marked as the team's, never a rektor's.</summary>
public sealed class TeamLinkTests
{
    private const string Team = "narvaroteamet@exempelstad.example.se";
    private static readonly WebOptions Settings = new() { PublicUrl = "https://skolnarvaro.example.se/", LinkKey = "unit-test-link-key-0123456789abcdef01234", LinkValidDays = 14 };

    private static (SignInLinks Links, WebUsers Users) Create()
    {
        var options = Options.Create(Settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Skolnarvaro:Schools:0:Skolenhetskod"] = "11111111",
            ["Skolnarvaro:Schools:0:Rektorer:0:Email"] = "rektor@angsskolan.example.se",
            ["Skolnarvaro:Schools:0:Skolnarvaroteam:0:Email"] = "Narvaroteamet@Exempelstad.example.se",
            ["Skolnarvaro:Schools:1:Skolenhetskod"] = "22222222",
            ["Skolnarvaro:Schools:1:Rektorer:0:Email"] = "rektor@backen.example.se",
            ["Skolnarvaro:Schools:1:Skolnarvaroteam:0:Email"] = Team,
            ["Skolnarvaro:Schools:2:Skolenhetskod"] = "33333333",
            ["Skolnarvaro:Schools:2:Rektorer:0:Email"] = "rektor@friskolan.example.se",
        }).Build();
        var users = new WebUsers(SchoolRegistry.Read(configuration), options);
        return (new SignInLinks(options, users, TimeProvider.System), users);
    }

    [Fact]
    public void A_team_link_names_every_school_the_team_serves_and_is_the_teams()
    {
        var (links, users) = Create();

        var link = links.ForRecipient("11111111", RecipientGroup.Skolnarvaroteam, Team);

        var (check, claim) = links.Check(link!.Url[(link.Url.IndexOf("t=", StringComparison.Ordinal) + 2)..]);
        check.Should().Be(LinkCheck.Valid);
        claim!.Group.Should().Be(RecipientGroup.Skolnarvaroteam);
        claim.Schools.Should().Equal("11111111", "22222222");
        users.SchoolsOfTeam(claim.Email).Should().Equal("11111111", "22222222");
        users.SchoolsOfRektor(claim.Email).Should().BeEmpty("the team's address is no rektor's");
    }

    [Fact]
    public void No_team_link_for_an_address_the_school_does_not_list_nor_for_a_school_without_a_team()
    {
        var (links, _) = Create();

        links.ForRecipient("11111111", RecipientGroup.Skolnarvaroteam, "rektor@angsskolan.example.se").Should().BeNull();
        links.ForRecipient("33333333", RecipientGroup.Skolnarvaroteam, Team).Should().BeNull();
    }

    [Fact]
    public void A_rektors_link_stays_as_it_was_and_opens_no_team_view()
    {
        var (links, users) = Create();
        var expires = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        var token = links.Token("rektor@angsskolan.example.se", ["11111111"], expires);

        System.Text.Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(token.Split('.')[0]))
            .Should().Be($"rektor@angsskolan.example.se\n11111111\n{expires.ToUnixTimeSeconds()}");
        var principal = TeamAccess.Principal(Team, ["11111111", "33333333"], "test");
        users.TeamSchools(principal).Should().Equal(["11111111"], "a session keeps only the schools the registry lists the address under");
        users.Allowed(principal).Should().BeEmpty("the team sees no school's list or pupil pages");
        users.MayRecordSteps(principal, "11111111").Should().BeFalse();
    }

    [Fact]
    public void The_teams_view_marks_a_support_running_longer_than_six_months()
    {
        var school = new WebSchool("11111111", "Ängsskolan", false, []);
        var started = new DateOnly(2026, 3, 2);
        var steps = new Investigation(new DateOnly(2026, 2, 2), new DateOnly(2026, 2, 4), null, new DateOnly(2026, 2, 20), started);
        var pupil = new TeamPupil(school.Skolenhetskod, new byte[32], "Märta", "Östlund", "7B", steps, []);

        TeamPages.View([school], [pupil], started.AddMonths(6), null).Pupils.Single().LongRunning.Should().BeNull();
        TeamPages.View([school], [pupil], started.AddMonths(6).AddDays(1), null).Pupils.Single().LongRunning.Should().StartWith("Stödet har pågått i mer än sex månader");
        TeamPages.View([school], [pupil with { Steps = steps with { SupportEndedOn = new DateOnly(2026, 9, 1) } }], new DateOnly(2026, 12, 1), null)
            .Pupils.Single().LongRunning.Should().BeNull("an ended support is not running");
    }

    [Fact]
    public void The_teams_view_lists_each_requested_pupil_with_the_schools_steps_the_weeks_and_the_teams_two_steps()
    {
        var ekbacken = new WebSchool("11111111", "Ekbackens skola", false, []);
        var bjorko = new WebSchool("22222222", "Björkö friskola", true, []);
        var requested = new Investigation(new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 5), null, new DateOnly(2026, 10, 19));
        var weeks = new[]
        {
            new PupilWeek(new DateOnly(2026, 10, 19), 1500, 300, 240, 0, 0), new PupilWeek(new DateOnly(2026, 11, 2), 1500, 120, 60, 0, 300),
            new PupilWeek(new DateOnly(2026, 11, 9), 1500, 0, 0, 0, 1500),
        };
        var pupils = new[]
        {
            new TeamPupil(ekbacken.Skolenhetskod, [1, .. new byte[31]], "Märta", "Östlund", "7B", requested, weeks),
            new TeamPupil(bjorko.Skolenhetskod, [2, .. new byte[31]], "Omar", "Ek", "8A",
                new Investigation(new DateOnly(2026, 2, 2), new DateOnly(2026, 2, 4), null, new DateOnly(2026, 2, 20), new DateOnly(2026, 3, 2)), []),
        };

        var view = TeamPages.View([ekbacken, bjorko], pupils, new DateOnly(2026, 11, 20), null);

        view.Schools.Should().Be("Björkö friskola, Ekbackens skola");
        view.Pupils[0].Weeks.Select(w => w.Share).Should().Equal("36 %", "15 %", "–");
        view.Pupils[0].Steps.Select(s => (s.Code, s.Enabled)).Should().Equal(("SupportStarted", true), ("SupportEnded", false));
        view.Pupils[1].LongRunning.Should().NotBeNull();
        var html = new WebRenderer(TestFiles.InRepo("templates")).Render(WebPage.Team,
            new PageFrame("Skolnärvaroteamet", "team@exempelstad.example.se", new FormToken("__skolnarvaro", "token"), []), view);
        WebPageWordingTests.Golden("team_view.html", html);
        var card = view.Pupils[1];
        var asking = new WebRenderer(TestFiles.InRepo("templates")).Render(WebPage.Team,
            new PageFrame("Skolnärvaroteamet", "team@exempelstad.example.se", new FormToken("__skolnarvaro", "token"), []),
            view with { Confirm = new TeamConfirm(card.Name, card.StepHref, card.Anchor, card.Steps[0]) });
        System.Net.WebUtility.HtmlDecode(asking).Should().Contain("Ta bort <strong>stöd påbörjat 2 mars 2026</strong> för Omar Ek?")
            .And.Contain("name=\"bekraftat\" value=\"ja\"");
    }
}
