using System.Net;
using System.Web;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>OpenID Connect, configured only: the e-mail claim of the identity provider's answer decides who someone is here.</summary>
[Collection(RektorPageCollection.Name)]
public sealed class OidcSignInTests(RektorPageFixture fixture)
{
    [Fact]
    public async Task A_rektors_address_from_the_identity_provider_opens_their_school_only()
    {
        var rektor = fixture.Digests.First(d => d.School == "33726561").Email;
        using var client = new PageClient(fixture.BaseUrl);

        (await SignInAsync(client, rektor)).Should().Be("/");

        var (status, _) = await client.GetAsync("/skola/33726561");
        status.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/skola/85835001")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task An_analysts_address_opens_the_huvudmans_view_and_an_unknown_address_nothing()
    {
        using var analyst = new PageClient(fixture.BaseUrl);
        await SignInAsync(analyst, RektorPageFixture.AnalystEmail);
        (await analyst.GetAsync("/huvudman")).Status.Should().Be(HttpStatusCode.OK);

        using var stranger = new PageClient(fixture.BaseUrl);
        (await SignInAsync(stranger, "okand@annanstans.example.se")).Should().Be("/logga-in?fel=oidc");
        var (status, html) = await stranger.GetAsync("/logga-in?fel=oidc");
        status.Should().Be(HttpStatusCode.Unauthorized);
        html.Should().Contain("gav ingen behörighet här");
        (await stranger.GetAsync("/skola/33726561")).Status.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_fristaende_huvudmans_address_from_the_identity_provider_opens_their_own_overview_and_school_only()
    {
        using var client = new PageClient(fixture.BaseUrl);
        (await SignInAsync(client, RektorPageFixture.NorrvikEmail)).Should().Be("/");

        (await client.RedirectAsync("/")).Location.Should().Be("/huvudman");
        var (status, view) = await client.GetAsync("/huvudman");
        status.Should().Be(HttpStatusCode.OK);
        view.Should().Contain("Huvudmannens översikt · Norrvik International Education AB");
        (await client.GetAsync("/skola/74570926")).Status.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/skola/55309539")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await client.GetAsync("/skola/33726561")).Status.Should().Be(HttpStatusCode.Forbidden);
    }

    /// <summary>The code flow as a browser runs it: to the provider, which answers the callback with a code; returns where the worker sends the browser then.</summary>
    private async Task<string> SignInAsync(PageClient client, string email)
    {
        var (status, location) = await client.RedirectAsync("/logga-in/oidc");
        status.Should().Be(HttpStatusCode.Found);
        location.Should().StartWith($"{fixture.Idp.Authority}/authorize?");
        var query = HttpUtility.ParseQueryString(new Uri(location).Query);
        query["client_id"].Should().Be(TestIdentityProvider.ClientId);
        query["code_challenge_method"].Should().Be("S256");

        var code = fixture.Idp.IssueCode(email, query["nonce"]!);
        var callback = new Uri(query["redirect_uri"]!).PathAndQuery;
        var (answered, body, next) = await client.PostAsync(callback, new Dictionary<string, string> { ["code"] = code, ["state"] = query["state"]! });
        answered.Should().Be(HttpStatusCode.Found, body);
        return next!;
    }
}
