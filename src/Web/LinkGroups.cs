using System.Security.Claims;
using Skolnarvaro.Analysis.Pages;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Notifications;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>Whose view a page shows: the pupils it may name, and the group whose link opened the session (null: a rektor's, analyst's or huvudman's view).</summary>
public sealed record PageViewer(PageScope Scope, RecipientGroup? Group);

/// <summary>
/// What each recipient group's link opens, one method per group: the session it starts, and what that session sees at its
/// school on each request. Both are decided now, not when the link was made: a mentor sees the classes the roster in force
/// gives them today (school time), elevhälsan the school while the registry names the address; one replaced loses access at
/// once, even with a valid link or an open session.
/// </summary>
public sealed class LinkGroups(WebUsers users, ClassMentors mentors, TimeProvider time)
{
    /// <summary>The session a valid link opens, or null when its address no longer holds the group's place at the link's schools.</summary>
    public async Task<ClaimsPrincipal?> PrincipalAsync(SignInClaim claim, string scheme, CancellationToken ct) => claim.Group switch
    {
        RecipientGroup.Rektor => Rektor(claim, scheme),
        RecipientGroup.Mentor => await MentorAsync(claim, scheme, ct),
        RecipientGroup.Elevhalsan => Elevhalsan(claim, scheme),
        RecipientGroup.Skolnarvaroteam => Team(claim, scheme),
        _ => null,
    };

    /// <summary>
    /// What a group's session sees at the school on this request, or null: not a group's session for that school, or its address
    /// no longer holds the group's place there.
    /// </summary>
    public async Task<PageViewer?> ViewerAsync(ClaimsPrincipal user, string school, CancellationToken ct)
    {
        if (!WebUsers.GroupSchools(user).Contains(school) || user.FindFirstValue(ClaimTypes.Email) is not { } email)
        {
            return null;
        }

        return WebUsers.GroupOf(user) switch
        {
            RecipientGroup.Mentor => await MentorViewerAsync(school, email, ct),
            RecipientGroup.Elevhalsan => ElevhalsanViewer(school, email),
            _ => null,
        };
    }

    /// <summary>Why a link or a session of the group opens nothing any more, for the 403 page.</summary>
    public static string NoLonger(RecipientGroup group) => group switch
    {
        RecipientGroup.Rektor => "Adressen är inte längre rektor för skolan i kommunens skolregister. Kontakta kommunens analytiker om det är fel.",
        RecipientGroup.Mentor => "Adressen är inte längre mentor för någon klass på skolan enligt skolans mentorslista. Kontakta skolans rektor om det är fel.",
        RecipientGroup.Elevhalsan => "Adressen finns inte längre med i skolans elevhälsa i kommunens skolregister. Kontakta kommunens analytiker om det är fel.",
        RecipientGroup.Skolnarvaroteam => "Adressen är inte längre skolnärvaroteam för skolorna i kommunens skolregister. Kontakta kommunens analytiker om det är fel.",
        _ => "Länken ger ingen behörighet till sidorna här.",
    };

    private ClaimsPrincipal? Rektor(SignInClaim claim, string scheme) =>
        users.SchoolsOfRektor(claim.Email).Where(claim.Schools.Contains).ToList() is { Count: > 0 } schools
            ? WebUsers.Principal(claim.Email, users.RektorName(claim.Email) ?? claim.Email, WebUsers.RektorRole, schools, scheme)
            : null;

    private async Task<ClaimsPrincipal?> MentorAsync(SignInClaim claim, string scheme, CancellationToken ct) =>
        claim.Schools is [var school] && await MentorOfAsync(school, claim.Email, ct) is { } mentor
            ? WebUsers.Principal(claim.Email, mentor.Name, WebUsers.MentorRole, [school], scheme)
            : null;

    private ClaimsPrincipal? Elevhalsan(SignInClaim claim, string scheme) =>
        claim.Schools is [var school] && users.ElevhalsanEmails(school).Contains(claim.Email)
            ? WebUsers.Principal(claim.Email, users.ElevhalsanName(claim.Email) ?? claim.Email, WebUsers.ElevhalsanRole, [school], scheme)
            : null;

    private ClaimsPrincipal? Team(SignInClaim claim, string scheme) =>
        users.SchoolsOfTeam(claim.Email).Where(claim.Schools.Contains).ToList() is { Count: > 0 } schools
            ? TeamAccess.Principal(claim.Email, schools, scheme)
            : null;

    private async Task<PageViewer?> MentorViewerAsync(string school, string email, CancellationToken ct) =>
        await MentorOfAsync(school, email, ct) is { } mentor ? new PageViewer(new PageScope([school], mentor.Classes), RecipientGroup.Mentor) : null;

    private PageViewer? ElevhalsanViewer(string school, string email) =>
        users.ElevhalsanEmails(school).Contains(email) ? new PageViewer(new PageScope([school]), RecipientGroup.Elevhalsan) : null;

    private Task<MentorClasses?> MentorOfAsync(string school, string email, CancellationToken ct) =>
        mentors.OfMentorAsync(school, email, time.SchoolToday(), ct);
}
