using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Web;

/// <summary>
/// A minimal OpenID Connect provider on 127.0.0.1 for the sign-in test: discovery, keys, and a token endpoint that answers a
/// code the test issued with an RS256-signed id_token carrying the address the test chose. The identity provider is the
/// outside system here, so it is the one thing made for the test; the worker's side is the real handler.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "skolnarvaro-test";
    public const string ClientSecret = "test-client-secret";

    private readonly RsaSecurityKey key = new(RSA.Create(2048)) { KeyId = "test-key" };
    private readonly ConcurrentDictionary<string, (string Email, string Nonce)> codes = new();
    private readonly WebApplication app;

    public int Port { get; } = FreePort.Next();
    public string Authority => $"http://127.0.0.1:{Port}";

    public TestIdentityProvider()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Authority);
        app = builder.Build();
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = $"{Authority}/authorize",
            ["token_endpoint"] = $"{Authority}/token",
            ["jwks_uri"] = $"{Authority}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapPost("/token", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            if (form["client_id"] != ClientId && c.Request.Headers.Authorization.Count == 0 || !codes.TryRemove(form["code"].ToString(), out var grant))
            {
                return Results.BadRequest(new { error = "invalid_grant" });
            }

            var now = DateTime.UtcNow;
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Authority,
                Audience = ClientId,
                IssuedAt = now,
                NotBefore = now,
                Expires = now.AddMinutes(5),
                Subject = new ClaimsIdentity([new Claim("sub", grant.Email), new Claim("email", grant.Email), new Claim("nonce", grant.Nonce)]),
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { id_token = idToken, access_token = "test-access-token", token_type = "Bearer", expires_in = 300 });
        });
    }

    public Task StartAsync() => app.StartAsync();

    /// <summary>What the provider would hand back after the user with <paramref name="email"/> signed in: a code for this nonce.</summary>
    public string IssueCode(string email, string nonce)
    {
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        codes[code] = (email, nonce);
        return code;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
