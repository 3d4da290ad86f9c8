using System.Security.Claims;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>
/// The skolnärvaroteam's access: an address listed under Skolnarvaroteam in the registry serves those schools, and sees there
/// only the pupils the school has asked support for. Its session names the schools its link was for; each request keeps those
/// the registry still lists the address under.
/// </summary>
public static class TeamAccess
{
    public const string TeamRole = "Skolnarvaroteam";
    public const string Path = "/skolnarvaroteam";

    /// <summary>The schools whose registry entry lists the address as their skolnärvaroteam.</summary>
    public static IReadOnlyList<string> SchoolsOfTeam(this WebUsers users, string email) =>
        users.Schools.Where(s => s.TeamEmails.Contains(email.Trim().ToLowerInvariant())).Select(s => s.Skolenhetskod).ToList();

    /// <summary>The schools the team member serves on this request; none for anyone else.</summary>
    public static IReadOnlyList<string> TeamSchools(this WebUsers users, ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(TeamRole) || user.FindFirstValue(ClaimTypes.Email) is not { } email)
        {
            return [];
        }

        var granted = user.FindAll(WebUsers.SchoolClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return users.SchoolsOfTeam(email).Where(granted.Contains).ToList();
    }

    /// <summary>A team member's session, opened by their link: their address and the schools it serves.</summary>
    public static ClaimsPrincipal Principal(string email, IReadOnlyList<string> schools, string scheme) =>
        WebUsers.Principal(email.Trim().ToLowerInvariant(), email.Trim().ToLowerInvariant(), TeamRole, schools, scheme);
}
