using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Calendar;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>
/// The rektor's page: sign-in by a digest's link (or, for analysts, a password or OpenID Connect), the school's list, a pupil's
/// course and legal steps, Kommunens översikt for the municipality's analysts and Huvudmannens översikt for a fristående huvudman. Server-rendered Swedish HTML, no scripts, no outside resources. A request
/// without a session gets 401, another school's page 403, a POST without the antiforgery token 400 — each a plain Swedish page.
/// </summary>
public static class RektorEndpoints
{
    public static WebApplication MapRektorPages(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseStatusCodePages(async status =>
        {
            var c = status.HttpContext;
            if (c.Request.Path.StartsWithSegments("/hangfire") || c.Response.HasStarted || c.Response.ContentLength > 0 || c.Response.ContentType is not null)
            {
                return;
            }

            var (heading, line) = c.Response.StatusCode switch
            {
                400 => ("Begäran kunde inte tas emot", "Formuläret saknade sin säkerhetskod eller var felaktigt. Gå tillbaka, ladda om sidan och försök igen."),
                404 => ("Sidan finns inte", "Adressen leder inte till någon sida här."),
                405 => ("Sidan finns inte", "Adressen leder inte till någon sida här."),
                _ => ("Något gick fel", "Försök igen om en stund."),
            };
            await Page(c, c.Response.StatusCode, WebPage.Message, heading, new MessagePage(heading, [line], "Till startsidan", "/", null));
        });
        app.UseAuthentication();
        app.UseAntiforgery();

        app.MapGet("/", Home);
        app.MapGet(SignInLinks.Path, SignInPage);
        app.MapPost(SignInLinks.Path, SignIn);
        app.MapGet("/logga-in", LoginForm);
        app.MapPost("/logga-in", Login);
        app.MapGet("/logga-in/oidc", (HttpContext c, IOptions<WebOptions> o) => o.Value.Oidc.IsConfigured
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = "/" }, [OpenIdConnectDefaults.AuthenticationScheme])
            : Results.NotFound());
        app.MapPost("/logga-ut", SignOut);
        app.MapGet("/skola/{school}", SchoolList);
        app.MapGet("/skola/{school}/elev/{pupil}", PupilPage);
        app.MapPost("/skola/{school}/elev/{pupil}/steg", RecordStep);
        app.MapGet("/huvudman", Huvudman);
        app.MapTeamPages();
        return app;
    }

    private static async Task Home(HttpContext c, WebUsers users)
    {
        var allowed = users.Allowed(c.User).Concat(WebUsers.GroupSchools(c.User)).ToList();
        if (users.TeamSchools(c.User).Count > 0)
        {
            c.Response.Redirect(TeamAccess.Path);
        }
        else if ((c.User.IsInRole(WebUsers.AnalystRole) && allowed.Count > 0) || users.HuvudmanOf(c.User) is not null)
        {
            c.Response.Redirect("/huvudman");
        }
        else if (allowed.Count == 1)
        {
            c.Response.Redirect($"/skola/{allowed[0]}");
        }
        else if (allowed.Count > 1)
        {
            await Page(c, 200, WebPage.Schools, "Dina skolor", new { Schools = allowed.Select(s => new NavLink(users.School(s)!.Name, $"/skola/{s}", false)).ToList() });
        }
        else
        {
            await NotSignedIn(c);
        }
    }

    private static async Task SignInPage(HttpContext c, SignInLinks links, WebUsers users, [FromQuery(Name = "t")] string? token)
    {
        if (await Check(c, links, token) is not { } principal)
        {
            return;
        }

        var schools = principal.FindAll(WebUsers.SchoolClaim).Select(s => s.Value).ToList();
        var names = string.Join(", ", schools.Select(s => users.School(s)!.Name));
        // A button, not an automatic sign-in: a mail scanner that follows links opens nothing, and the session cookie (SameSite=Strict)
        // is set by a request from this site, so the browser sends it on the next one.
        var open = principal.IsInRole(TeamAccess.TeamRole) ? "Öppna skolnärvaroteamets lista"
            : WebUsers.GroupOf(principal) == RecipientGroup.Mentor ? "Öppna dina klassers lista" : "Öppna skolans lista";
        await Page(c, 200, WebPage.Message, "Logga in", new MessagePage("Logga in", [$"Länken gäller {names}."], open, SignInLinks.Path, token));
    }

    private static async Task SignIn(HttpContext c, SignInLinks links, [FromForm(Name = "t")] string? token)
    {
        if (await Check(c, links, token) is not { } principal)
        {
            return;
        }

        await c.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        var schools = principal.FindAll(WebUsers.SchoolClaim).Select(s => s.Value).ToList();
        c.Response.StatusCode = StatusCodes.Status303SeeOther;
        c.Response.Headers.Location = principal.IsInRole(TeamAccess.TeamRole) ? TeamAccess.Path : schools.Count == 1 ? $"/skola/{schools[0]}" : "/";
    }

    /// <summary>The session a link opens now (its group's, for the schools it still opens), or null after answering: tampered 400, expired 410, no longer the address's place 403.</summary>
    private static async Task<ClaimsPrincipal?> Check(HttpContext c, SignInLinks links, string? token)
    {
        var throttle = c.RequestServices.GetRequiredService<SignInThrottle>();
        var address = c.Connection.RemoteIpAddress?.ToString() ?? "okänd";
        if (!throttle.LinksOpen(address))
        {
            await TooManyAttemptsAsync(c);
            return null;
        }

        var (check, claim) = links.Check(token);
        switch (check)
        {
            case LinkCheck.Tampered:
                throttle.LinkFailed(address);
                await Page(c, 400, WebPage.Message, "Ogiltig länk", new MessagePage("Länken är ogiltig",
                    ["Länken är inte hel eller har ändrats. Använd länken i den senaste sammanfattningen, hela och oförändrad."], null, null, null));
                return null;
            case LinkCheck.Expired:
                await Page(c, 410, WebPage.Message, "Länken har gått ut", new MessagePage("Länken har gått ut",
                    [$"Länken gällde till och med {WebPages.Date(DateOnly.FromDateTime(claim!.Expires.AddSeconds(-1).UtcDateTime))}.",
                     "Nästa sammanfattning har en ny länk."], null, null, null));
                return null;
        }

        var principal = await c.RequestServices.GetRequiredService<LinkGroups>().PrincipalAsync(claim!, CookieAuthenticationDefaults.AuthenticationScheme, c.RequestAborted);
        if (principal is null)
        {
            await Page(c, 403, WebPage.Message, "Ingen behörighet", new MessagePage("Länken gäller inte längre", [LinkGroups.NoLonger(claim!.Group)], null, null, null));
            return null;
        }

        return principal;
    }

    private static async Task LoginForm(HttpContext c, IOptions<WebOptions> options, [FromQuery(Name = "fel")] string? error) =>
        await Page(c, error is null ? 200 : 401, WebPage.Login, "Logga in", new LoginPage(
            error is null ? null : "Inloggningen hos identitetsleverantören gav ingen behörighet här.",
            options.Value.Oidc.IsConfigured,
            options.Value.Analysts.Any(a => !string.IsNullOrEmpty(a.Password)) || options.Value.HuvudmanAccounts.Any(a => !string.IsNullOrEmpty(a.Password))));

    private static async Task Login(
        HttpContext c, WebUsers users, SignInThrottle throttle, IOptions<WebOptions> options, [FromForm(Name = "epost")] string? email, [FromForm(Name = "losenord")] string? password)
    {
        if (!throttle.TryPassword(email))
        {
            await TooManyAttemptsAsync(c);
            return;
        }

        // An analyst's or a huvudman's password; a rektor signs in by the digest's link or the identity provider.
        if (email is null || users.Password(email) is not { Length: > 0 } expected || password is null
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(password)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            await Page(c, 401, WebPage.Login, "Logga in", new LoginPage("Fel e-postadress eller lösenord.", options.Value.Oidc.IsConfigured, true));
            return;
        }

        await c.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, users.PrincipalFor(email, CookieAuthenticationDefaults.AuthenticationScheme)!);
        c.Response.StatusCode = StatusCodes.Status303SeeOther;
        c.Response.Headers.Location = "/huvudman";
    }

    private static async Task SignOut(HttpContext c, [FromForm(Name = "ut")] string? _)
    {
        await c.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        await Page(c, 200, WebPage.Message, "Utloggad", new MessagePage("Du är utloggad", ["Öppna länken i en sammanfattning för att logga in igen."], null, null, null));
    }

    private static async Task SchoolList(
        HttpContext c, WebUsers users, SchoolPageStore store, SchoolCalendar calendar, TimeProvider time, IOptions<InvestigationOptions> expected, string school,
        [FromQuery(Name = "klass")] string? className, [FromQuery(Name = "sortera")] string? sort, CancellationToken ct)
    {
        if (await Scope(c, users, school) is not { } viewer)
        {
            return;
        }

        var listed = await store.ListAsync(viewer.Scope, school, ct);
        var info = users.School(school)!;
        // The calendar's school days, as on the huvudman's page: a school whose exports stopped does not stop the clock.
        var today = time.SchoolToday();
        var page = WebPages.ForViewer(WebPages.List(info, listed, className is { Length: > 0 } ? className : null, sort,
            expected.Value.ExpectedWithinSchoolDays, since => calendar.DaysBetween(school, since, today)), viewer, info);
        await Page(c, 200, WebPage.List, page.Heading, page);
    }

    private static async Task PupilPage(
        HttpContext c, WebUsers users, SchoolPageStore store, TimeProvider time, IServiceProvider services, string school, string pupil,
        [FromQuery(Name = "sparat")] string? saved, [FromQuery(Name = "borttaget")] string? removed, CancellationToken ct) =>
        await ShowPupil(c, users, store, time, services, school, pupil, null, 200, ct, Done(saved, removed));

    private static async Task ShowPupil(
        HttpContext c, WebUsers users, SchoolPageStore store, TimeProvider time, IServiceProvider services, string school, string pupil, string? error, int status,
        CancellationToken ct, (InvestigationStep Step, bool Removed)? done = null, InvestigationStep? confirm = null)
    {
        if (await Scope(c, users, school) is not { } viewer)
        {
            return;
        }

        if (Key(pupil) is not { } key || await store.PupilAsync(viewer.Scope, school, key, ct) is not { } page)
        {
            await Page(c, 404, WebPage.Message, "Eleven finns inte", new MessagePage("Eleven finns inte",
                ["Ingen elev med den adressen finns på skolan."], "Till skolans lista", $"/skola/{school}", null));
            return;
        }

        var caveats = await services.GetRequiredService<SchoolCaveats>().ForSchoolAsync(school, ct);
        var view = WebPages.ForViewer(WebPages.Pupil(users.School(school)!, page, error, caveats, time, users.MayRecordSteps(c.User, school)), viewer, users.School(school)!);
        view = view with
        {
            Notice = done is { } d ? WebPages.StepNotice(view, d.Step, d.Removed) : null,
            Confirm = confirm is { } k ? view.Steps.FirstOrDefault(s => s.Code == k.ToString() && s.Date is not null) : null,
        };
        await Page(c, status, WebPage.Pupil, view.Name, view);
    }

    /// <summary>The step the redirect after a save names (?sparat=Started, ?borttaget=Reported), to say what was done.</summary>
    private static (InvestigationStep, bool)? Done(string? saved, string? removed)
    {
        var (code, isRemoved) = saved is not null ? (saved, false) : (removed, true);
        return Enum.TryParse<InvestigationStep>(code, ignoreCase: false, out var step) && Enum.IsDefined(step) ? (step, isRemoved) : null;
    }

    private static async Task RecordStep(
        HttpContext c, WebUsers users, SchoolPageStore store, InvestigationStore investigations, TimeProvider time, IServiceProvider services,
        string school, string pupil, [FromForm(Name = "steg")] string? step, [FromForm(Name = "datum")] string? date, [FromForm(Name = "atgard")] string? action,
        [FromForm(Name = "bekraftat")] string? confirmed, CancellationToken ct)
    {
        if (await Scope(c, users, school) is not { } viewer)
        {
            return;
        }

        if (!users.MayRecordSteps(c.User, school))
        {
            await Page(c, 403, WebPage.Message, "Ingen behörighet", new MessagePage("Ingen behörighet",
                ["Utredningens steg registreras av skolans rektor. Du kan se stegen men inte ändra dem."], "Tillbaka till eleven", $"/skola/{school}/elev/{pupil}", null));
            return;
        }

        if (Key(pupil) is not { } key || await store.PupilAsync(viewer.Scope, school, key, ct) is null)
        {
            await Page(c, 404, WebPage.Message, "Eleven finns inte", new MessagePage("Eleven finns inte", ["Ingen elev med den adressen finns på skolan."], null, null, null));
            return;
        }

        if (StepNamed(step) is { } asked && !StepOwners.RektorRecords(users.School(school)!, asked))
        {
            await Page(c, 403, WebPage.Message, "Ingen behörighet", new MessagePage("Ingen behörighet",
                [StepOwners.NotTheRektors(asked)], "Tillbaka till eleven", $"/skola/{school}/elev/{pupil}", null));
            return;
        }

        string? error = null;
        if (StepNamed(step) is not { } kind)
        {
            error = "Okänt steg.";
        }
        else if (action == "ta-bort" && confirmed != "ja")
        {
            // Removing a legal step is asked once more; nothing is removed until the rektor confirms.
            await ShowPupil(c, users, store, time, services, school, pupil, null, 200, ct, confirm: kind);
            return;
        }
        else if (action == "ta-bort")
        {
            error = await Record(investigations, Log(c), school, key, kind, null, c.User, ct);
        }
        else if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            error = $"Ange ett datum (ÅÅÅÅ-MM-DD) för {WebPages.StepLabel(kind).ToLowerInvariant()}.";
        }
        else
        {
            error = await Record(investigations, Log(c), school, key, kind, day, c.User, ct);
        }

        if (error is not null)
        {
            await ShowPupil(c, users, store, time, services, school, pupil, error, 400, ct);
            return;
        }

        c.Response.StatusCode = StatusCodes.Status303SeeOther;
        c.Response.Headers.Location = WebPages.PupilHref(school, key) + WebPages.Query((action == "ta-bort" ? "borttaget" : "sparat", step!));
    }

    // Only a step's own name: Enum.TryParse would also take "0", "1" or "Started,Reported".
    private static InvestigationStep? StepNamed(string? value) =>
        Enum.GetValues<InvestigationStep>().Where(s => s.ToString() == value).Select(s => (InvestigationStep?)s).FirstOrDefault();

    private static void LogStep(ILogger logger, string school, byte[] key, InvestigationStep step, DateOnly? date, ClaimsPrincipal user)
    {
        var who = WebLog.UserId(user.FindFirstValue(ClaimTypes.Email));
        if (date is { } day)
        {
            WebLog.StepRecorded(logger, step.ToString(), WebLog.PupilReference(key), school, day, who);
        }
        else
        {
            WebLog.StepWithdrawn(logger, step.ToString(), WebLog.PupilReference(key), school, who);
        }
    }

    private static async Task<string?> Record(
        InvestigationStore store, ILogger logger, string school, byte[] key, InvestigationStep step, DateOnly? date, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            await store.RecordAsync(school, key, step, date, user.FindFirstValue(ClaimTypes.Email)!, ct);
            LogStep(logger, school, key, step, date, user);
            return null;
        }
        catch (InvestigationRefused e)
        {
            return e.Message;
        }
    }

    internal static ILogger Log(HttpContext c) => c.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(WebLog.Category);

    /// <summary>
    /// Kommunens översikt for an analyst; Huvudmannens översikt for a fristående huvudman's person, its reads scoped in SQL to that
    /// huvudman's schools only (a person who is also rektor elsewhere sees no more here); 403 for anyone else.
    /// </summary>
    private static async Task Huvudman(
        HttpContext c, WebUsers users, SchoolPageStore store, TimeProvider time, IOptions<InvestigationOptions> expected, CancellationToken ct)
    {
        if (c.User.Identity?.IsAuthenticated != true)
        {
            await NotSignedIn(c);
            return;
        }

        var today = time.SchoolToday();
        var term = Term.Containing(today);
        var days = expected.Value.ExpectedWithinSchoolDays;
        if (c.User.IsInRole(WebUsers.AnalystRole) && users.Allowed(c.User) is { Count: > 0 } all)
        {
            var lines = await store.InvestigationsAsync(all, term, today, days, ct);
            await Page(c, 200, WebPage.Huvudman, "Kommunens översikt", WebPages.Kommun(users.Schools, lines, term, days));
        }
        else if (users.HuvudmanOf(c.User) is { } huvudman && users.HuvudmanSchools(c.User) is { Count: > 0 } own)
        {
            var lines = await store.InvestigationsAsync(own, term, today, days, ct);
            await Page(c, 200, WebPage.Huvudman, "Huvudmannens översikt", WebPages.Huvudman(huvudman, users.Schools, lines, term, days));
        }
        else
        {
            await Forbidden(c);
        }
    }

    /// <summary>
    /// What the user sees at <paramref name="school"/>: their schools when it is one of them, or what their group's session sees
    /// there now (a mentor's classes); otherwise answers 401 or 403 and returns null.
    /// </summary>
    private static async Task<PageViewer?> Scope(HttpContext c, WebUsers users, string school)
    {
        if (c.User.Identity?.IsAuthenticated != true)
        {
            await NotSignedIn(c);
            return null;
        }

        var allowed = users.Allowed(c.User);
        if (allowed.Contains(school))
        {
            return new PageViewer(new PageScope(allowed), null);
        }

        if (await c.RequestServices.GetRequiredService<LinkGroups>().ViewerAsync(c.User, school, c.RequestAborted) is { } viewer)
        {
            return viewer;
        }

        await (WebUsers.GroupOf(c.User) is { } group && WebUsers.GroupSchools(c.User).Contains(school) ? NoLongerAsync(c, group) : Forbidden(c));
        return null;
    }

    private static Task NoLongerAsync(HttpContext c, RecipientGroup group) => Page(c, 403, WebPage.Message, "Ingen behörighet",
        new MessagePage("Ingen behörighet", [LinkGroups.NoLonger(group)], null, null, null));

    private static Task TooManyAttemptsAsync(HttpContext c) => Page(c, StatusCodes.Status429TooManyRequests, WebPage.Message, "För många försök",
        new MessagePage("För många försök", ["För många inloggningsförsök på kort tid. Vänta en minut och försök igen."], null, null, null));

    internal static Task NotSignedIn(HttpContext c) => Page(c, 401, WebPage.Message, "Logga in", new MessagePage("Logga in",
        ["Öppna länken i den senaste sammanfattningen från Skolnärvaro för att se skolans lista. Länken är personlig och gäller i två veckor."],
        "Logga in som analytiker eller huvudman", "/logga-in", null));

    internal static Task Forbidden(HttpContext c) => Page(c, 403, WebPage.Message, "Ingen behörighet", new MessagePage("Ingen behörighet",
        ["Sidan gäller en skola du inte har behörighet till."], "Till dina skolor", "/", null));

    internal static byte[]? Key(string pupil)
    {
        if (pupil.Length is not (64 or 40) || !pupil.All(Uri.IsHexDigit))
        {
            return null;
        }

        return Convert.FromHexString(pupil);
    }

    internal static async Task Page(HttpContext c, int status, WebPage page, string title, object model)
    {
        var renderer = c.RequestServices.GetRequiredService<WebRenderer>();
        var users = c.RequestServices.GetRequiredService<WebUsers>();
        var tokens = c.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(c);
        var form = new FormToken(tokens.FormFieldName, tokens.RequestToken!);
        var signedIn = c.User.Identity?.IsAuthenticated == true;
        var nav = new List<NavLink>();
        if (signedIn)
        {
            var analyst = c.User.IsInRole(WebUsers.AnalystRole);
            nav.AddRange(users.Allowed(c.User).Concat(WebUsers.GroupSchools(c.User)).Take(analyst ? 0 : 10)
                .Select(s => new NavLink(users.School(s)!.Name, $"/skola/{s}", c.Request.Path.StartsWithSegments($"/skola/{s}"))));
            var overview = analyst ? "Kommunens översikt" : users.HuvudmanOf(c.User) is not null ? "Huvudmannens översikt" : null;
            if (overview is not null)
            {
                nav.Add(new NavLink(overview, "/huvudman", c.Request.Path.StartsWithSegments("/huvudman")));
            }

            if (users.TeamSchools(c.User).Count > 0)
            {
                nav.Add(new NavLink("Skolnärvaroteamet", TeamAccess.Path, c.Request.Path.StartsWithSegments(TeamAccess.Path)));
            }
        }

        var frame = new PageFrame(title, signedIn ? c.User.FindFirstValue(ClaimTypes.Name) : null, form, nav);
        var html = renderer.Render(page, frame, model);
        c.Response.StatusCode = status;
        c.Response.ContentType = "text/html; charset=utf-8";
        await c.Response.WriteAsync(html);
    }
}
