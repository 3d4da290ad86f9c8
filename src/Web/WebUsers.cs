using System.Security.Claims;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Skolnarvaro.Web;

/// <summary>A school as the pages name it.</summary>
public sealed record WebSchool(string Skolenhetskod, string Name, bool Independent, IReadOnlyList<string> RectorEmails);

/// <summary>Who may see what, from the school registry and the analysts in configuration, read on every request.</summary>
public sealed class WebUsers(IConfiguration configuration, IOptions<WebOptions> options)
{
    public const string RektorRole = "Rektor";
    public const string AnalystRole = "Analytiker";
    public const string SchoolClaim = "skola";

    // The registry is read from configuration once: it is not reloaded while the worker runs.
    private readonly Lazy<IReadOnlyList<WebSchool>> schools = new(() => configuration.GetSection("Skolnarvaro:Schools").GetChildren()
        .Where(s => !string.IsNullOrEmpty(s["Skolenhetskod"]))
        .Select(s => new WebSchool(
            s["Skolenhetskod"]!, s["Name"] ?? s["Skolenhetskod"]!, s["Driftsform"] == "Independent",
            s.GetSection("Rectors").GetChildren().Select(r => (r["Email"] ?? "").Trim().ToLowerInvariant()).Where(e => e.Length > 0).ToList()))
        .ToList());

    public IReadOnlyList<WebSchool> Schools => schools.Value;

    public WebSchool? School(string code) => Schools.FirstOrDefault(s => s.Skolenhetskod == code);

    /// <summary>The schools the address is rektor of in the registry now.</summary>
    public IReadOnlyList<string> SchoolsOfRektor(string email) =>
        Schools.Where(s => s.RectorEmails.Contains(email.Trim().ToLowerInvariant())).Select(s => s.Skolenhetskod).ToList();

    public AnalystAccount? Analyst(string email) =>
        options.Value.Analysts.FirstOrDefault(a => string.Equals(a.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The schools a signed-in user may see on this request: an analyst every school in the registry; a rektor the schools their
    /// session was opened for that they are still rektor of. Nobody else anything.
    /// </summary>
    public IReadOnlyList<string> Allowed(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true || user.FindFirstValue(ClaimTypes.Email) is not { } email)
        {
            return [];
        }

        if (user.IsInRole(AnalystRole) && Analyst(email) is not null)
        {
            return Schools.Select(s => s.Skolenhetskod).ToList();
        }

        var granted = user.FindAll(SchoolClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return user.IsInRole(RektorRole) ? SchoolsOfRektor(email).Where(granted.Contains).ToList() : [];
    }

    /// <summary>
    /// Whether the user may record the legal steps for the school's pupils: only its rektor, whose duty they are. An analyst sees
    /// every school's steps but owns no school.
    /// </summary>
    public bool MayRecordSteps(ClaimsPrincipal user, string school) => user.IsInRole(RektorRole) && Allowed(user).Contains(school);

    /// <summary>A session for an address confirmed by the identity provider: an analyst, a rektor of their schools, or nobody (null).</summary>
    public ClaimsPrincipal? PrincipalFor(string email, string scheme)
    {
        if (Analyst(email) is { } analyst)
        {
            return Principal(analyst.Email, analyst.Name is { Length: > 0 } n ? n : analyst.Email, AnalystRole, [], scheme);
        }

        var schools = SchoolsOfRektor(email);
        return schools.Count == 0 ? null : Principal(email.Trim().ToLowerInvariant(), RektorName(email) ?? email, RektorRole, schools, scheme);
    }

    public string? RektorName(string email) => configuration.GetSection("Skolnarvaro:Schools").GetChildren()
        .SelectMany(s => s.GetSection("Rectors").GetChildren())
        .FirstOrDefault(r => string.Equals((r["Email"] ?? "").Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase))?["Name"];

    public static ClaimsPrincipal Principal(string email, string name, string role, IEnumerable<string> schools, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Email, email), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), .. schools.Select(s => new Claim(SchoolClaim, s))],
            scheme, ClaimTypes.Name, ClaimTypes.Role));
}
