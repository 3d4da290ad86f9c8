using System.Security.Claims;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>
/// The sessions a school's other recipient groups open with their links: a mentor's, elevhälsan's. Each names its one school;
/// what it sees there is decided on every request (<see cref="LinkGroups"/>), never by the session alone.
/// </summary>
public sealed partial class WebUsers
{
    public const string MentorRole = "Mentor";
    public const string ElevhalsanRole = "Elevhalsan";

    /// <summary>The group a session opened by another group's link is for, or null (a rektor's, an analyst's, a huvudman's session).</summary>
    public static RecipientGroup? GroupOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated != true ? null
        : user.IsInRole(MentorRole) ? RecipientGroup.Mentor
        : user.IsInRole(ElevhalsanRole) ? RecipientGroup.Elevhalsan
        : null;

    /// <summary>The school a group's session names (not yet checked against the roster or registry), or none.</summary>
    public static IReadOnlyList<string> GroupSchools(ClaimsPrincipal user) =>
        GroupOf(user) is null ? [] : user.FindAll(SchoolClaim).Select(c => c.Value).ToList();

    /// <summary>The school's elevhälsoteam by address in lower case; none for a school the registry does not have.</summary>
    public IReadOnlyList<string> ElevhalsanEmails(string school) => School(school)?.ElevhalsanEmails ?? [];

    /// <summary>The name the registry gives this address in a school's elevhälsoteam, or null.</summary>
    public string? ElevhalsanName(string email) => registry
        .SelectMany(s => s.Elevhalsan)
        .FirstOrDefault(r => string.Equals(r.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)) is { Name.Length: > 0 } member
            ? member.Name
            : null;
}
