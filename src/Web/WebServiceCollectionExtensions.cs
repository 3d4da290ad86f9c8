using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Schools;
using Skolnarvaro.Templating;

namespace Skolnarvaro.Web;

public static class WebServiceCollectionExtensions
{
    /// <summary>
    /// The rektor's page's options (validated at start), the sign-in links digests carry, the registry's users and the pages'
    /// templates (loaded and rendered when the host starts). Enough to sign the links digests carry;
    /// <see cref="AddWebHosting"/> adds what serving the pages needs.
    /// </summary>
    public static IServiceCollection AddWeb(this IServiceCollection services, IConfiguration configuration, string baseDirectory)
    {
        services.AddOptions<WebOptions>()
            .Bind(configuration.GetSection(WebOptions.Section))
            .ValidateOnStart();
        services.AddSchoolRegistry(configuration);
        services.AddSingleton<IValidateOptions<WebOptions>>(sp => new WebOptionsValidator(
            sp.GetRequiredService<SchoolRegistry>(), configuration.GetValue<bool>("Skolnarvaro:Demo:Enabled")));
        services.AddSingleton<SignInLinks>();
        services.AddSingleton<WebUsers>();
        services.AddSingleton<LinkGroups>();
        services.AddSingleton(_ => new WebRenderer(TemplateFolders.Resolve(configuration[TemplateFolders.Key], baseDirectory)));
        services.AddHostedService<PageTemplatesCheck>();
        return services;
    }

    /// <summary>
    /// Session cookies (HttpOnly, SameSite=Strict, Secure over TLS) encrypted with a key ring kept in PostgreSQL, antiforgery,
    /// forwarded headers from a proxy on the loopback interface, and OpenID Connect where configured.
    /// </summary>
    public static IServiceCollection AddWebHosting(this IServiceCollection services, WebOptions options)
    {
        services.AddPostgresKeyRing();
        var auth = services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.Cookie.Name = "skolnarvaro";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = options.SessionLength;
                o.SlidingExpiration = true;
                // The pages answer for themselves with a Swedish page and the right status; no redirects to a login path.
                o.Events.OnRedirectToLogin = c => { c.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
                o.Events.OnRedirectToAccessDenied = c => { c.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
                // Every sign-in (link, password, OpenID Connect) opens a session on the server, every request checks it, and
                // signing out ends it: a copied or kept cookie opens nothing after "Logga ut".
                o.Events.OnSigningIn = async c =>
                {
                    var id = await Sessions(c.HttpContext).StartAsync(c.Principal!.FindFirstValue(ClaimTypes.Email) ?? "", c.HttpContext.RequestAborted);
                    ((ClaimsIdentity)c.Principal!.Identity!).AddClaim(new Claim(WebSessions.IdClaim, id));
                    WebLog.SignedIn(Log(c.HttpContext), c.Principal!, c.Request.Path.Value ?? "");
                };
                o.Events.OnValidatePrincipal = async c =>
                {
                    if (WebSessions.IdOf(c.Principal) is not { } id || !await Sessions(c.HttpContext).TouchAsync(id, c.HttpContext.RequestAborted))
                    {
                        c.RejectPrincipal();
                        await c.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                    }
                };
                o.Events.OnSigningOut = async c =>
                {
                    if (WebSessions.IdOf(c.HttpContext.User) is { } id)
                    {
                        await Sessions(c.HttpContext).EndAsync(id, c.HttpContext.RequestAborted);
                        WebLog.SignedOut(Log(c.HttpContext), WebLog.UserId(c.HttpContext.User.FindFirstValue(ClaimTypes.Email)));
                    }
                };
            });
        services.AddSingleton<WebSessions>();
        if (options.Oidc.IsConfigured)
        {
            auth.AddOpenIdConnect(o =>
            {
                o.Authority = options.Oidc.Authority;
                o.ClientId = options.Oidc.ClientId;
                o.ClientSecret = options.Oidc.ClientSecret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.Scope.Add("email");
                o.CallbackPath = "/logga-in/oidc/svar";
                o.RequireHttpsMetadata = options.Oidc.RequireHttpsMetadata;
                // Secure whenever the request came over TLS, as the session cookie (behind the proxy, always).
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.Events.OnTokenValidated = c =>
                {
                    var users = c.HttpContext.RequestServices.GetRequiredService<WebUsers>();
                    var email = c.Principal?.FindFirstValue(options.Oidc.EmailClaim) ?? c.Principal?.FindFirstValue(ClaimTypes.Email);
                    var principal = email is null ? null : users.PrincipalFor(email, CookieAuthenticationDefaults.AuthenticationScheme);
                    if (principal is null)
                    {
                        c.Fail("Adressen finns inte bland skolornas rektorer, analytikerna eller huvudmännens konton.");
                    }
                    else
                    {
                        c.Principal = principal;
                    }

                    return Task.CompletedTask;
                };
                o.Events.OnRemoteFailure = c =>
                {
                    c.Response.Redirect("/logga-in?fel=oidc");
                    c.HandleResponse();
                    return Task.CompletedTask;
                };
            });
        }

        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "skolnarvaro-af";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__skolnarvaro";
        });
        services.AddAuthorization();
        services.AddSingleton<SignInThrottle>();
        services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto);
        return services;
    }

    /// <summary>
    /// The data-protection keys (session cookies, the pages' and the dashboard's form tokens) in the database's web_key table,
    /// unencrypted by decision: every worker reads the same keys and a restart signs no one out. The framework's terse warning
    /// about that is replaced by <see cref="KeyRingNotice"/>, which says what it means.
    /// </summary>
    public static IServiceCollection AddPostgresKeyRing(this IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("skolnarvaro");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(k =>
        {
            k.XmlRepository = new PostgresKeyRing(sp.GetRequiredService<NpgsqlDataSource>());
            k.XmlEncryptor = new NullXmlEncryptor(sp);
        }));
        return services;
    }

    /// <summary>What the unencrypted key ring means and what to do about it, logged once when a worker starts.</summary>
    public const string KeyRingNotice =
        "Data protection: the keys that protect the session cookies and form tokens of the rektor's page and the dashboard are " +
        "kept unencrypted in the database table web_key. They are persistent and shared, so every worker on this database reads " +
        "the same cookies and a restart signs no one out; nothing needs to be set for that. Whoever can read that table could " +
        "forge a session, as they could read the pupils' data anyway: give only the pipeline's own login access to the database.";

    private static ILogger Log(HttpContext c) => c.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(WebLog.Category);

    private static WebSessions Sessions(HttpContext c) => c.RequestServices.GetRequiredService<WebSessions>();

    /// <summary>Loads and renders every page's template as the host starts: a missing or broken one stops the start, naming its file.</summary>
    private sealed class PageTemplatesCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<WebRenderer>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class WebOptionsValidator(SchoolRegistry registry, bool demo) : IValidateOptions<WebOptions>
    {
        public ValidateOptionsResult Validate(string? name, WebOptions options) =>
            options.Validate(demo).Concat(WebUsers.RegistryProblems(options, WebUsers.ReadSchools(registry))).ToList() is { Count: > 0 } errors
                ? ValidateOptionsResult.Fail(errors)
                : ValidateOptionsResult.Success;
    }
}
