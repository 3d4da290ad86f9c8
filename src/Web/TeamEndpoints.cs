using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Notifications;

namespace Skolnarvaro.Web;

/// <summary>
/// The skolnärvaroteam's view and its two steps. Signed in by the team's link only; the view and every post are scoped to the
/// schools the team serves and to the pupils with a support request there, in SQL. Anyone else: 401 without a session, 403 with one.
/// </summary>
public static class TeamEndpoints
{
    public static WebApplication MapTeamPages(this WebApplication app)
    {
        app.MapGet(TeamAccess.Path, View);
        app.MapPost($"{TeamAccess.Path}/skola/{{school}}/elev/{{pupil}}/steg", RecordStep);
        return app;
    }

    private static Task View(HttpContext c, WebUsers users, TeamPageStore store, TimeProvider time, [FromQuery(Name = "sparat")] string? saved, CancellationToken ct) =>
        Show(c, users, store, time, 200, null, saved is null ? null : "Sparat.", ct);

    private static async Task Show(HttpContext c, WebUsers users, TeamPageStore store, TimeProvider time, int status, string? error, string? notice, CancellationToken ct)
    {
        if (await Served(c, users) is not { } schools)
        {
            return;
        }

        var pupils = await store.RequestedAsync(schools, ct);
        var view = TeamPages.View(schools.Select(s => users.School(s)!).ToList(), pupils, time.SchoolToday(), error) with { Notice = notice };
        await RektorEndpoints.Page(c, status, WebPage.Team, "Skolnärvaroteamet", view);
    }

    private static async Task RecordStep(
        HttpContext c, WebUsers users, TeamPageStore store, InvestigationStore investigations, TimeProvider time, string school, string pupil,
        [FromForm(Name = "steg")] string? step, [FromForm(Name = "datum")] string? date, [FromForm(Name = "atgard")] string? action,
        [FromForm(Name = "bekraftat")] string? confirmed, CancellationToken ct)
    {
        if (await Served(c, users) is not { } schools)
        {
            return;
        }

        var kind = Enum.GetValues<InvestigationStep>().Where(s => s.ToString() == step).Select(s => (InvestigationStep?)s).FirstOrDefault();
        if (!schools.Contains(school) || kind is not { } k || !StepOwners.TeamRecords(k))
        {
            await RektorEndpoints.Page(c, 403, WebPage.Message, "Ingen behörighet", new MessagePage("Ingen behörighet",
                ["Skolnärvaroteamet registrerar när stödet påbörjades och avslutades, för elever som en skola det stöder har begärt stöd för. " +
                 "Skolans egna steg registreras av rektorn."], "Till skolnärvaroteamets lista", TeamAccess.Path, null));
            return;
        }

        if (RektorEndpoints.Key(pupil) is not { } key || await store.RequestedPupilAsync(schools, school, key, ct) is null)
        {
            await RektorEndpoints.Page(c, 404, WebPage.Message, "Eleven finns inte", new MessagePage("Eleven finns inte",
                ["Ingen elev med stöd begärt finns med den adressen."], "Till skolnärvaroteamets lista", TeamAccess.Path, null));
            return;
        }

        if (action == "ta-bort" && confirmed != "ja")
        {
            // Removing a step is asked once more, as on the rektor's page; nothing is removed until the team confirms.
            await Confirm(c, users, store, time, school, key, k, ct);
            return;
        }

        DateOnly? day = null;
        if (action != "ta-bort")
        {
            if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                await Show(c, users, store, time, 400, $"Ange ett datum (ÅÅÅÅ-MM-DD) för {WebPages.StepLabel(k).ToLowerInvariant()}.", null, ct);
                return;
            }

            day = d;
        }

        if (await Record(c, investigations, school, key, k, day, ct) is { } refused)
        {
            await Show(c, users, store, time, 400, refused, null, ct);
            return;
        }

        c.Response.StatusCode = StatusCodes.Status303SeeOther;
        c.Response.Headers.Location = $"{TeamAccess.Path}?sparat={k}#{TeamPages.Anchor(school, key)}";
    }

    private static async Task Confirm(
        HttpContext c, WebUsers users, TeamPageStore store, TimeProvider time, string school, byte[] key, InvestigationStep step, CancellationToken ct)
    {
        var schools = users.TeamSchools(c.User);
        var view = TeamPages.View(schools.Select(s => users.School(s)!).ToList(), await store.RequestedAsync(schools, ct), time.SchoolToday(), null);
        var card = view.Pupils.First(p => p.Anchor == TeamPages.Anchor(school, key));
        var asked = card.Steps.First(s => s.Code == step.ToString());
        view = asked.Date is null ? view : view with { Confirm = new TeamConfirm(card.Name, card.StepHref, card.Anchor, asked) };
        await RektorEndpoints.Page(c, 200, WebPage.Team, "Skolnärvaroteamet", view);
    }

    private static async Task<string?> Record(HttpContext c, InvestigationStore store, string school, byte[] key, InvestigationStep step, DateOnly? day, CancellationToken ct)
    {
        try
        {
            await store.RecordAsync(school, key, step, day, c.User.FindFirstValue(ClaimTypes.Email)!, ct);
        }
        catch (InvestigationRefused e)
        {
            return e.Message;
        }

        var who = WebLog.UserId(c.User.FindFirstValue(ClaimTypes.Email));
        if (day is { } d)
        {
            WebLog.StepRecorded(RektorEndpoints.Log(c), step.ToString(), WebLog.PupilReference(key), school, d, who);
        }
        else
        {
            WebLog.StepWithdrawn(RektorEndpoints.Log(c), step.ToString(), WebLog.PupilReference(key), school, who);
        }

        return null;
    }

    /// <summary>The schools the signed-in team member serves, or null after answering 401 (no session) or 403 (not the team's).</summary>
    private static async Task<IReadOnlyList<string>?> Served(HttpContext c, WebUsers users)
    {
        if (c.User.Identity?.IsAuthenticated != true)
        {
            await RektorEndpoints.NotSignedIn(c);
            return null;
        }

        if (users.TeamSchools(c.User) is not { Count: > 0 } schools)
        {
            await RektorEndpoints.Forbidden(c);
            return null;
        }

        return schools;
    }
}
