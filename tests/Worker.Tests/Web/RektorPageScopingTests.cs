using System.Net;
using Npgsql;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// Over every sample school, every page and every endpoint: a rektor signed in by their own digest's link sees their own
/// school's pupils and nothing of another school, whatever address they type; without a session nothing is shown.
/// </summary>
[Collection(RektorPageCollection.Name)]
public sealed class RektorPageScopingTests(RektorPageFixture fixture)
{
    [Fact]
    public async Task No_rektor_reaches_a_pupil_of_another_school_by_any_page_or_endpoint()
    {
        var enrolled = await fixture.EnrolledAsync();
        enrolled.Keys.Should().HaveCount(6);
        var steps = await fixture.StepsAsync();
        fixture.Digests.Select(d => d.School).Distinct().Should().HaveCount(6, "every sample school's rektorer got a digest with a link");

        foreach (var digest in fixture.Digests)
        {
            using var client = new PageClient(fixture.BaseUrl);
            var landing = await client.SignInAsync(digest.Link);
            landing.Should().Be($"/skola/{digest.School}");
            var own = digest.School;

            var (status, list) = await client.GetAsync(landing);
            status.Should().Be(HttpStatusCode.OK);
            var links = PageClient.PupilLinks(list);
            links.Should().NotBeEmpty().And.OnlyContain(l => l.StartsWith($"/skola/{own}/elev/", StringComparison.Ordinal));
            links.Select(l => l[^64..]).Should().OnlyContain(key => enrolled[own].Contains(key));
            foreach (var (other, pupils) in enrolled.Where(e => e.Key != own))
            {
                list.Should().NotContain(other);
            }

            // Every pupil on the list opens; the sorted and filtered lists show the same pupils.
            foreach (var link in links.Take(25))
            {
                var (pupilStatus, page) = await client.GetAsync(link);
                pupilStatus.Should().Be(HttpStatusCode.OK);
                PageClient.PupilLinks(page).Should().OnlyContain(l => l.StartsWith($"/skola/{own}/", StringComparison.Ordinal));
            }

            foreach (var query in new[] { "?sortera=niva", "?sortera=klass", "?sortera=sedan", "?klass=7A" })
            {
                var (sorted, html) = await client.GetAsync(landing + query);
                sorted.Should().Be(HttpStatusCode.OK);
                PageClient.PupilLinks(html).Should().OnlyContain(l => links.Contains(l));
            }

            var form = PageClient.FormToken(list);
            foreach (var (other, pupils) in enrolled.Where(e => e.Key != own))
            {
                var foreignPupil = pupils.First();
                (await client.GetAsync($"/skola/{other}")).Status.Should().Be(HttpStatusCode.Forbidden);
                (await client.GetAsync($"/skola/{other}/elev/{foreignPupil}")).Status.Should().Be(HttpStatusCode.Forbidden);
                // Another school's pupil under one's own school's address is not found there.
                (await client.GetAsync($"/skola/{own}/elev/{foreignPupil}")).Status.Should().Be(HttpStatusCode.NotFound);
                (await client.PostAsync($"/skola/{other}/elev/{foreignPupil}/steg", Step(form))).Status.Should().Be(HttpStatusCode.Forbidden);
                (await client.PostAsync($"/skola/{own}/elev/{foreignPupil}/steg", Step(form))).Status.Should().Be(HttpStatusCode.NotFound);
            }

            (await client.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.Forbidden, "the huvudman's view is for analysts");
        }

        (await fixture.StepsAsync()).Should().Be(steps, "no step was recorded for a pupil of another school");
    }

    [Fact]
    public async Task Without_a_session_every_page_answers_401_and_every_post_without_its_token_400()
    {
        using var client = new PageClient(fixture.BaseUrl);
        var enrolled = await fixture.EnrolledAsync();
        var (school, pupils) = enrolled.First();
        var steps = await fixture.StepsAsync();

        foreach (var path in new[] { "/", $"/skola/{school}", $"/skola/{school}/elev/{pupils.First()}", "/huvudman" })
        {
            var (status, html) = await client.GetAsync(path);
            status.Should().Be(HttpStatusCode.Unauthorized, path);
            html.Should().Contain("Logga in").And.NotContain("/elev/");
        }

        foreach (var path in new[] { $"/skola/{school}/elev/{pupils.First()}/steg", "/in", "/logga-in", "/logga-ut" })
        {
            var (status, html, _) = await client.PostAsync(path, new Dictionary<string, string> { ["steg"] = "Started", ["datum"] = "2026-11-20" });
            status.Should().Be(HttpStatusCode.BadRequest, path);
            html.Should().Contain("säkerhetskod");
        }

        (await fixture.StepsAsync()).Should().Be(steps);
    }

    [Fact]
    public async Task An_analyst_sees_every_school_and_a_wrong_password_nothing()
    {
        using var client = new PageClient(fixture.BaseUrl);
        var (_, login) = await client.GetAsync("/logga-in");

        var wrong = await client.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
            new("epost", RektorPageFixture.AnalystEmail), new("losenord", "fel")]));
        wrong.Status.Should().Be(HttpStatusCode.Unauthorized);
        wrong.Html.Should().Contain("Fel e-postadress eller lösenord");
        (await client.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.Unauthorized);

        var right = await client.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(wrong.Html),
            new("epost", RektorPageFixture.AnalystEmail), new("losenord", RektorPageFixture.AnalystPassword)]));
        right.Status.Should().Be(HttpStatusCode.SeeOther);
        var (status, view) = await client.GetAsync("/huvudman");
        status.Should().Be(HttpStatusCode.OK);
        foreach (var school in (await fixture.EnrolledAsync()).Keys)
        {
            view.Should().Contain($"/skola/{school}");
            (await client.GetAsync($"/skola/{school}")).Status.Should().Be(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Password_guessing_on_one_account_is_stopped_after_ten_attempts_a_minute_from_whatever_addresses_it_comes()
    {
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            // Each guess as if forwarded by the proxy for another browser.
            using var guesser = new PageClient(fixture.BaseUrl).From($"10.9.9.{i + 1}");
            var (_, login) = await guesser.GetAsync("/logga-in");
            var (status, html, _) = await guesser.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
                new("epost", i % 2 == 0 ? RektorPageFixture.GuessedAnalystEmail : RektorPageFixture.GuessedAnalystEmail.ToUpperInvariant()),
                new("losenord", $"gissning-{i}")]));
            answers.Add(status);
            if (status == HttpStatusCode.TooManyRequests)
            {
                html.Should().Contain("För många inloggningsförsök");
            }
        }

        answers.Should().Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 10), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests]);
        using var owner = new PageClient(fixture.BaseUrl).From("10.9.8.1");
        var (_, form) = await owner.GetAsync("/logga-in");
        (await owner.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(form),
            new("epost", RektorPageFixture.GuessedAnalystEmail), new("losenord", RektorPageFixture.GuessedAnalystPassword)]))).Status
            .Should().Be(HttpStatusCode.TooManyRequests, "the account waits out the minute, whoever asks");
        using var colleague = new PageClient(fixture.BaseUrl).From("10.9.9.1");
        await SignInAsAnalystAsync(colleague, RektorPageFixture.AnalystEmail, RektorPageFixture.AnalystPassword);
    }

    [Fact]
    public async Task Guessing_sign_in_links_from_one_address_is_stopped_after_ten_a_minute_even_for_a_genuine_link()
    {
        var digest = fixture.Digests.First();
        using var guesser = new PageClient(fixture.BaseUrl).From("10.7.7.7");
        var genuine = digest.Link[digest.Link.IndexOf("/in?", StringComparison.Ordinal)..];

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            answers.Add((await guesser.GetAsync($"/in?t={genuine[6..^4]}{i:D4}")).Status);
        }

        answers.Should().Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 10), HttpStatusCode.TooManyRequests]);
        var (refused, html) = await guesser.GetAsync(genuine);
        refused.Should().Be(HttpStatusCode.TooManyRequests, "while the address is throttled no link is checked, so none tells a guess from a hit");
        html.Should().Contain("För många inloggningsförsök");
        using var rektor = new PageClient(fixture.BaseUrl).From("10.7.7.8");
        (await rektor.GetAsync(genuine)).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_signing_out_the_old_session_cookie_opens_nothing_for_a_rektor_or_an_analyst()
    {
        var digest = fixture.Digests.First();
        using var rektor = new PageClient(fixture.BaseUrl);
        var landing = await rektor.SignInAsync(digest.Link);
        using var analyst = new PageClient(fixture.BaseUrl);
        await SignInAsAnalystAsync(analyst, RektorPageFixture.AnalystEmail, RektorPageFixture.AnalystPassword);

        foreach (var (client, page) in new[] { (rektor, landing), (analyst, "/huvudman") })
        {
            var (before, html) = await client.GetAsync(page);
            before.Should().Be(HttpStatusCode.OK);
            var kept = client.Cookie("skolnarvaro");
            kept.Should().NotBeNull("a signed-in browser holds the session cookie");

            var (signedOut, bye, _) = await client.PostAsync("/logga-ut", new Dictionary<string, string>([PageClient.FormToken(html)]));
            signedOut.Should().Be(HttpStatusCode.OK, bye);

            using var replay = new PageClient(fixture.BaseUrl).WithCookie(kept!);
            var (after, again) = await replay.GetAsync(page);
            after.Should().Be(HttpStatusCode.Unauthorized, $"the session of {page} ended at sign-out, whatever cookie is sent");
            again.Should().NotContain("/elev/");
        }
    }

    [Fact]
    public async Task An_analyst_sees_a_pupils_steps_but_cannot_record_one_for_any_school()
    {
        using var client = new PageClient(fixture.BaseUrl);
        await SignInAsAnalystAsync(client, RektorPageFixture.AnalystEmail, RektorPageFixture.AnalystPassword);
        var steps = await fixture.StepsAsync();

        foreach (var (school, pupils) in await fixture.EnrolledAsync())
        {
            var pupil = $"/skola/{school}/elev/{pupils.First()}";
            var (status, page) = await client.GetAsync(pupil);
            status.Should().Be(HttpStatusCode.OK);
            page.Should().Contain("Stegen registreras av skolans rektor").And.NotContain("value=\"spara\"");

            var (posted, html, _) = await client.PostAsync($"{pupil}/steg", Step(PageClient.FormToken(page)));
            posted.Should().Be(HttpStatusCode.Forbidden, school);
            html.Should().Contain("registreras av skolans rektor");
        }

        (await fixture.StepsAsync()).Should().Be(steps, "an analyst owns no school: the steps are the rektor's to record");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("-1")]
    [InlineData("Started,Reported")]
    [InlineData("started")]
    [InlineData(" Started")]
    [InlineData("")]
    public async Task A_step_value_other_than_a_steps_own_name_is_refused_and_nothing_is_recorded(string value)
    {
        var digest = fixture.Digests.First();
        using var client = new PageClient(fixture.BaseUrl);
        var landing = await client.SignInAsync(digest.Link);
        var (_, list) = await client.GetAsync(landing);
        var pupil = PageClient.PupilLinks(list).First();
        var (_, page) = await client.GetAsync(pupil);
        var steps = await fixture.StepsAsync();

        var (status, html, _) = await client.PostAsync($"{pupil}/steg",
            new Dictionary<string, string>([PageClient.FormToken(page), new("steg", value), new("datum", "2026-11-20"), new("atgard", "spara")]));

        status.Should().Be(HttpStatusCode.BadRequest);
        html.Should().Contain("Okänt steg");
        (await fixture.StepsAsync()).Should().Be(steps);
    }

    private static async Task SignInAsAnalystAsync(PageClient client, string email, string password)
    {
        var (_, login) = await client.GetAsync("/logga-in");
        var (status, html, _) = await client.PostAsync("/logga-in", new Dictionary<string, string>([PageClient.FormToken(login),
            new("epost", email), new("losenord", password)]));
        status.Should().Be(HttpStatusCode.SeeOther, html);
    }

    private static Dictionary<string, string> Step(KeyValuePair<string, string> form) =>
        new([form, new("steg", "Started"), new("datum", "2026-11-20"), new("atgard", "spara")]);
}
