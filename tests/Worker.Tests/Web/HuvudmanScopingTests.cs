using System.Net;
using System.Text.RegularExpressions;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// Over the sample's schools, through the real worker: a fristående huvudman's person sees Huvudmannens översikt and the pages
/// of their own huvudman's schools, and nothing of another huvudman's school or a kommunal one, whatever address they type;
/// the municipality's view keeps the fristående schools apart and does not call itself their huvudman.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed partial class HuvudmanScopingTests(RektorPageFixture fixture)
{
    private const string Kunskapstradet = "55309539";
    private const string Norrvik = "74570926";

    public static TheoryData<string, string, string, string> Huvudmen() => new()
    {
        { RektorPageFixture.KunskapstradetEmail, RektorPageFixture.KunskapstradetPassword, "Kunskapsträdet Skolor AB", Kunskapstradet },
        { RektorPageFixture.NorrvikEmail, RektorPageFixture.NorrvikPassword, "Norrvik International Education AB", Norrvik },
    };

    [Theory]
    [MemberData(nameof(Huvudmen))]
    public async Task A_fristaende_huvudmans_person_sees_their_own_school_and_nothing_of_another_huvudmans_or_a_kommunal_school(
        string email, string password, string huvudman, string own)
    {
        var schools = await SchoolsAsync();
        var enrolled = await fixture.EnrolledAsync();
        var steps = await fixture.StepsAsync();
        using var client = new PageClient(fixture.BaseUrl);
        (await SignInAsync(client, email, password)).Should().Be("/huvudman");
        (await client.RedirectAsync("/")).Location.Should().Be("/huvudman");

        var (status, view) = await client.GetAsync("/huvudman");
        status.Should().Be(HttpStatusCode.OK);
        view.Should().Contain($"Huvudmannens översikt · {huvudman}").And.Contain($"Skolan som {huvudman} är huvudman för.")
            .And.Contain(schools[own].Name).And.NotContain("Kommunens översikt");
        SchoolHrefs().Matches(view).Select(m => m.Groups[1].Value).Distinct().Should().Equal(own);
        PageClient.PupilLinks(view).Select(l => l[^64..]).Should().OnlyContain(key => enrolled[own].Contains(key));
        foreach (var (code, other) in schools.Where(s => s.Key != own))
        {
            view.Should().NotContain(other.Name).And.NotContain(code);
        }

        var (listed, list) = await client.GetAsync($"/skola/{own}");
        listed.Should().Be(HttpStatusCode.OK);
        var pupil = $"/skola/{own}/elev/{enrolled[own].First()}";
        var (opened, page) = await client.GetAsync(pupil);
        opened.Should().Be(HttpStatusCode.OK);
        page.Should().Contain("Stegen registreras av skolans rektor");
        var form = PageClient.FormToken(list);
        (await client.PostAsync($"{pupil}/steg", Step(form))).Status.Should().Be(HttpStatusCode.Forbidden, "the steps are the rektor's to record");

        foreach (var (other, pupils) in enrolled.Where(e => e.Key != own))
        {
            var foreign = pupils.First();
            (await client.GetAsync($"/skola/{other}")).Status.Should().Be(HttpStatusCode.Forbidden, schools[other].Name);
            (await client.GetAsync($"/skola/{other}/elev/{foreign}")).Status.Should().Be(HttpStatusCode.Forbidden);
            (await client.GetAsync($"/skola/{own}/elev/{foreign}")).Status.Should().Be(HttpStatusCode.NotFound);
            (await client.PostAsync($"/skola/{other}/elev/{foreign}/steg", Step(form))).Status.Should().Be(HttpStatusCode.Forbidden);
        }

        (await fixture.StepsAsync()).Should().Be(steps);
    }

    [Fact]
    public async Task The_municipalitys_view_keeps_the_fristaende_schools_apart_with_their_own_huvudman_and_is_not_called_theirs()
    {
        var schools = await SchoolsAsync();
        using var client = new PageClient(fixture.BaseUrl);
        (await SignInAsync(client, RektorPageFixture.AnalystEmail, RektorPageFixture.AnalystPassword)).Should().Be("/huvudman");

        var (status, view) = await client.GetAsync("/huvudman");

        status.Should().Be(HttpStatusCode.OK);
        view.Should().Contain("Kommunens översikt").And.NotContain("Huvudmannens översikt");
        // The schools' tables first, kommunal then fristående, then each part's pupils waiting for an investigation.
        var sections = Sections(view, "<h2 class=\"part\">Kommunala skolor</h2>", "<h2 class=\"part\">Fristående skolor</h2>",
            "<h2>Väntar på utredning · kommunala skolor</h2>", "<h2>Väntar på utredning · fristående skolor</h2>");
        var (kommunal, fristaende) = (sections[0] + sections[2], sections[1] + sections[3]);
        sections[0].Should().Contain("Exempelstads kommun är huvudman");
        sections[1].Should().Contain("Kommunen är inte huvudman för de fristående skolorna");
        foreach (var (code, school) in schools)
        {
            var (mine, theirs) = school.Independent ? (fristaende, kommunal) : (kommunal, fristaende);
            mine.Should().Contain($"/skola/{code}\"");
            theirs.Should().NotContain($"/skola/{code}");
            if (school.Independent)
            {
                sections[1].Should().Contain(school.Huvudman);
            }
        }
    }

    /// <summary>The page cut at each marker, which must all be there in this order: the text from each marker to the next.</summary>
    private static List<string> Sections(string html, params string[] markers)
    {
        var at = markers.Select(m => html.IndexOf(m, StringComparison.Ordinal)).ToList();
        at.Should().NotContain(-1).And.BeInAscendingOrder();
        return [.. at.Select((start, i) => html[start..(i + 1 < at.Count ? at[i + 1] : html.Length)])];
    }

    [Fact]
    public async Task A_rektor_of_a_fristaende_school_and_a_wrong_huvudman_password_do_not_open_the_huvudmans_overview()
    {
        using var rektor = new PageClient(fixture.BaseUrl);
        await rektor.SignInAsync(fixture.Digests.First(d => d.School == Kunskapstradet).Link);
        (await rektor.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.Forbidden, "a rektor reports to the huvudman, they are not it");

        using var guesser = new PageClient(fixture.BaseUrl).From("10.6.6.6");
        var (_, login) = await guesser.GetAsync("/logga-in");
        var (refused, html, _) = await guesser.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
            new("epost", RektorPageFixture.NorrvikEmail), new("losenord", RektorPageFixture.KunskapstradetPassword)]));
        refused.Should().Be(HttpStatusCode.Unauthorized);
        html.Should().Contain("Fel e-postadress eller lösenord");
        (await guesser.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static async Task<string> SignInAsync(PageClient client, string email, string password)
    {
        var (_, login) = await client.GetAsync("/logga-in");
        var (status, html, location) = await client.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
            new("epost", email), new("losenord", password)]));
        status.Should().Be(HttpStatusCode.SeeOther, html);
        return location!;
    }

    private static Dictionary<string, string> Step(KeyValuePair<string, string> form) =>
        new([form, new("steg", "Started"), new("datum", "2026-11-20"), new("atgard", "spara")]);

    private sealed record School(string Name, bool Independent, string Huvudman);

    private async Task<Dictionary<string, School>> SchoolsAsync()
    {
        await using var cmd = fixture.Db.DataSource.CreateCommand("select skolenhetskod, name, driftsform, huvudman from school");
        await using var r = await cmd.ExecuteReaderAsync();
        var result = new Dictionary<string, School>();
        while (await r.ReadAsync())
        {
            result[r.GetString(0)] = new School(r.GetString(1), r.GetString(2) == "Independent", r.GetString(3));
        }

        result.Should().HaveCount(6);
        return result;
    }

    [GeneratedRegex("/skola/(\\d{8})")]
    private static partial Regex SchoolHrefs();
}
