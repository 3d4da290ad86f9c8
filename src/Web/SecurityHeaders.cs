using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Skolnarvaro.Web;

/// <summary>
/// The headers every answer of the worker carries, the Hangfire dashboard's included: a Content-Security-Policy (the
/// rektor's pages use no scripts at all; the dashboard only its own), no sniffing, no Referer (a sign-in link's token must
/// not travel on), no framing. Set before anything else runs, so error and 401 answers carry them too.
/// </summary>
public static class SecurityHeaders
{
    public const string PagesPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    // Hangfire's pages load their scripts and styles from the dashboard itself and its charts set inline styles.
    public const string DashboardPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var dashboard = context.Request.Path.StartsWithSegments("/hangfire");
        var h = context.Response.Headers;
        h.ContentSecurityPolicy = dashboard ? DashboardPolicy : PagesPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        if (!dashboard)
        {
            h.CacheControl = "no-cache, no-store";
            h.Pragma = "no-cache";
        }

        await next();
    });
}
