using System.Net;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Notifications;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// The skolnärvaroteam through a real worker: its link opens only its view, which holds only pupils with a support request at
/// the schools it serves; each side records only its own steps.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class TeamScopingTests(RektorPageFixture fixture)
{
    private const string Served = "85835001";     // Ekdalsskolan, served by the team
    private const string NotServed = "76139832";  // Tallåsens skola, not served
    private const string WithoutTeam = "74570926"; // Norrvikens internationella skola: no skolnärvaroteam in the registry

    private static readonly DateOnly Reported = TimeProvider.System.SchoolToday().AddDays(-10);
    private static string Today => TimeProvider.System.SchoolToday().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The school's steps up to the support request, through the store as the rektor's page records them.</summary>
    private async Task RequestSupportAsync(string school, string pupil)
    {
        var store = new InvestigationStore(fixture.Db.DataSource, TimeProvider.System);
        var key = Convert.FromHexString(pupil);
        await store.RecordAsync(school, key, InvestigationStep.Started, Reported.AddDays(-2), "rektor@test.example.se");
        await store.RecordAsync(school, key, InvestigationStep.Reported, Reported, "rektor@test.example.se");
        await store.RecordAsync(school, key, InvestigationStep.SupportRequested, Reported.AddDays(1), "rektor@test.example.se");
    }

    private async Task<(PageClient Client, string Html)> TeamAsync()
    {
        var client = new PageClient(fixture.BaseUrl);
        (await client.SignInAsync(fixture.TeamLink())).Should().Be("/skolnarvaroteam");
        var (status, html) = await client.GetAsync("/skolnarvaroteam");
        status.Should().Be(HttpStatusCode.OK, html);
        return (client, html);
    }

    private static Dictionary<string, string> Step(string html, string step, string date = "") =>
        new([PageClient.FormToken(html), new("steg", step), new("datum", date), new("atgard", "spara")]);

    [Fact]
    public async Task The_team_sees_and_records_nothing_of_a_pupil_without_a_request_nor_of_a_school_it_does_not_serve()
    {
        var enrolled = await fixture.EnrolledAsync();
        var requested = enrolled[Served].Order().Skip(3).First();
        var withoutRequest = enrolled[Served].Order().Skip(4).First();
        var elsewhere = enrolled[NotServed].Order().First();
        await RequestSupportAsync(Served, requested);
        await RequestSupportAsync(NotServed, elsewhere);
        var (team, html) = await TeamAsync();
        using var _ = team;
        var before = await fixture.StepsAsync();

        html.Should().Contain($"elev-{Served}-{requested}").And.NotContain(withoutRequest).And.NotContain(elsewhere).And.NotContain(NotServed);
        var today = Today;
        (await team.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{withoutRequest}/steg", Step(html, "SupportStarted", today))).Status
            .Should().Be(HttpStatusCode.NotFound, "no support was requested for the pupil");
        (await team.PostAsync($"/skolnarvaroteam/skola/{NotServed}/elev/{elsewhere}/steg", Step(html, "SupportStarted", today))).Status
            .Should().Be(HttpStatusCode.Forbidden, "the team does not serve the school");
        (await team.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{elsewhere}/steg", Step(html, "SupportStarted", today))).Status
            .Should().Be(HttpStatusCode.NotFound, "another school's pupil under a served school's address is not found");
        (await team.GetAsync($"/skola/{Served}")).Status.Should().Be(HttpStatusCode.Forbidden, "the team has no school list");
        (await team.GetAsync($"/skola/{Served}/elev/{requested}")).Status.Should().Be(HttpStatusCode.Forbidden, "nor the rektor's pupil page");
        (await fixture.StepsAsync()).Should().Be(before);
    }

    [Fact]
    public async Task The_team_cannot_record_the_rektors_steps_and_the_rektor_cannot_record_the_teams()
    {
        var enrolled = await fixture.EnrolledAsync();
        var pupil = enrolled[Served].Order().Skip(5).First();
        await RequestSupportAsync(Served, pupil);
        var (team, html) = await TeamAsync();
        using var _ = team;
        var before = await fixture.StepsAsync();
        var today = Today;

        foreach (var step in new[] { "Started", "Reported", "Closed", "SupportRequested" })
        {
            (await team.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{pupil}/steg", Step(html, step, today))).Status
                .Should().Be(HttpStatusCode.Forbidden, $"{step} is the school's");
        }

        (await team.PostAsync($"/skola/{Served}/elev/{pupil}/steg", Step(html, "SupportStarted", today))).Status
            .Should().Be(HttpStatusCode.Forbidden, "the team has no rektor's endpoint");
        using var rektor = new PageClient(fixture.BaseUrl);
        await rektor.SignInAsync(fixture.Digests.First(d => d.School == Served).Link);
        var (_, page) = await rektor.GetAsync($"/skola/{Served}/elev/{pupil}");
        foreach (var step in new[] { "SupportStarted", "SupportEnded" })
        {
            var (status, refusal, _) = await rektor.PostAsync($"/skola/{Served}/elev/{pupil}/steg", Step(page, step, today));
            status.Should().Be(HttpStatusCode.Forbidden);
            refusal.Should().Contain("registreras av skolnärvaroteamet");
            (await rektor.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{pupil}/steg", Step(page, step, today))).Status
                .Should().Be(HttpStatusCode.Forbidden, "a rektor is not the team");
        }

        (await fixture.StepsAsync()).Should().Be(before);
        var (saved, _, location) = await team.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{pupil}/steg", Step(html, "SupportStarted", today));
        saved.Should().Be(HttpStatusCode.SeeOther, "the team records its own step");
        location.Should().StartWith("/skolnarvaroteam?sparat=SupportStarted");
        (await fixture.StepsAsync()).Should().Be(before + 1);

        // Removing asks first, as on the rektor's page; only the confirmed post records the withdrawal.
        var remove = new Dictionary<string, string>([PageClient.FormToken(html), new("steg", "SupportStarted"), new("atgard", "ta-bort")]);
        var (asked, question, _) = await team.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{pupil}/steg", remove);
        (asked, question.Contains("Ja, ta bort", StringComparison.Ordinal)).Should().Be((HttpStatusCode.OK, true));
        (await fixture.StepsAsync()).Should().Be(before + 1, "the question was not answered");
        remove["bekraftat"] = "ja";
        (await team.PostAsync($"/skolnarvaroteam/skola/{Served}/elev/{pupil}/steg", remove)).Status.Should().Be(HttpStatusCode.SeeOther);
        (await fixture.StepsAsync()).Should().Be(before + 2, "a withdrawal is a row of its own");
    }

    [Fact]
    public async Task The_municipalitys_view_counts_the_support_requests_of_the_term()
    {
        var enrolled = await fixture.EnrolledAsync();
        await RequestSupportAsync("53321611", enrolled["53321611"].Order().First());
        using var analyst = new PageClient(fixture.BaseUrl);
        var (_, login) = await analyst.GetAsync("/logga-in");
        await analyst.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
            new("epost", RektorPageFixture.AnalystEmail), new("losenord", RektorPageFixture.AnalystPassword)]));

        var (status, html) = await analyst.GetAsync("/huvudman");

        status.Should().Be(HttpStatusCode.OK);
        html.Should().Contain("<th class=\"num\">Stöd begärt</th>").And.Contain("Stöd från skolnärvaroteamet: ")
            .And.Contain("skoldagar efter anmälan till huvudmannen");
    }

    [Fact]
    public async Task The_rektor_of_a_school_without_a_team_is_refused_a_support_request()
    {
        var enrolled = await fixture.EnrolledAsync();
        var pupil = enrolled[WithoutTeam].Order().Skip(1).First();
        var store = new InvestigationStore(fixture.Db.DataSource, TimeProvider.System);
        await store.RecordAsync(WithoutTeam, Convert.FromHexString(pupil), InvestigationStep.Started, Reported, "rektor@test.example.se");
        await store.RecordAsync(WithoutTeam, Convert.FromHexString(pupil), InvestigationStep.Reported, Reported, "rektor@test.example.se");
        using var rektor = new PageClient(fixture.BaseUrl);
        await rektor.SignInAsync(fixture.Digests.First(d => d.School == WithoutTeam).Link);
        var (_, page) = await rektor.GetAsync($"/skola/{WithoutTeam}/elev/{pupil}");
        var before = await fixture.StepsAsync();

        page.Should().NotContain("Stöd begärt", "no team to hand over to, so no such step is offered");
        var (status, refusal, _) = await rektor.PostAsync($"/skola/{WithoutTeam}/elev/{pupil}/steg", Step(page, "SupportRequested", Today));
        status.Should().Be(HttpStatusCode.Forbidden);
        refusal.Should().Contain("inget skolnärvaroteam");
        (await fixture.StepsAsync()).Should().Be(before);
    }
}
