using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// HTTP Basic authentication in front of the dashboard, with one user from configuration. Every request without the
/// right credentials gets 401 and a challenge; nothing of the dashboard is served anonymously. Basic sends the password
/// with every request: keep the dashboard on the loopback interface, or behind a TLS reverse proxy.
/// </summary>
public sealed class DashboardAuthentication(string username, string password)
{
    private readonly byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes($"{username}:{password}"));

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (IsAuthorized(context.Request.Headers.Authorization.ToString()))
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, username)], "Basic"));
            await next();
            return;
        }

        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Basic realm=\"Skolnarvaro dashboard\", charset=\"UTF-8\"";
    }

    private bool IsAuthorized(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] credentials;
        try
        {
            credentials = Convert.FromBase64String(header["Basic ".Length..].Trim());
        }
        catch (FormatException)
        {
            return false;
        }

        // Compared as hashes in constant time: the response time says nothing about how much of the password was right.
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(credentials), expected);
    }
}

/// <summary>The dashboard's own check: only requests the authentication above let through.</summary>
public sealed class AuthenticatedUserFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.Identity?.IsAuthenticated == true;
}
