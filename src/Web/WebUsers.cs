using System.Security.Claims;
using Microsoft.Extensions.Options;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>A school as the pages name it.</summary>
public sealed record WebSchool(string Skolenhetskod, string Name, bool Independent, IReadOnlyList<string> RektorEmails)
{
    /// <summary>Its huvudman as the registry names it: the municipality for a kommunal school, the company or foundation behind a fristående one.</summary>
    public string Huvudman { get; init; } = "";

    /// <summary>The school's elevhälsoteam as the registry names it, by address in lower case.</summary>
    public IReadOnlyList<string> ElevhalsanEmails { get; init; } = [];
    /// <summary>The addresses of the skolnärvaroteam that takes the school's support requests, in lower case; empty: no team to hand over to.</summary>
    public IReadOnlyList<string> TeamEmails { get; init; } = [];
}

/// <summary>
/// Who may see what, from the school registry and the accounts in configuration: the municipality's analysts every school, a
/// fristående huvudman's people that huvudman's schools, a rektor the schools they lead. The registry is the one read at
/// start, not reloaded while the worker runs; each request's session is checked against it.
/// </summary>
public sealed partial class WebUsers(SchoolRegistry registry, IOptions<WebOptions> options)
{
    public const string RektorRole = "Rektor";
    public const string AnalystRole = "Analytiker";
    public const string HuvudmanRole = "Huvudman";
    public const string SchoolClaim = "skola";
    public const string HuvudmanClaim = "huvudman";

    private readonly IReadOnlyList<WebSchool> schools = ReadSchools(registry);

    /// <summary>The registry's schools as the pages name them, rektorer by their address in lower case.</summary>
    public static IReadOnlyList<WebSchool> ReadSchools(SchoolRegistry registry) => registry
        .Where(s => s.Skolenhetskod.Length > 0)
        .Select(s => new WebSchool(
            s.Skolenhetskod, s.Name.Length > 0 ? s.Name : s.Skolenhetskod, s.Independent,
            Addresses(s.Rektorer))
        {
            Huvudman = s.Huvudman.Trim(),
            ElevhalsanEmails = Addresses(s.Elevhalsan),
            TeamEmails = s.Skolnarvaroteam.Select(r => r.Email.Trim().ToLowerInvariant()).Where(e => e.Length > 0).ToList(),
        })
        .ToList();

    private static List<string> Addresses(IEnumerable<Recipient> recipients) =>
        recipients.Select(r => r.Email.Trim().ToLowerInvariant()).Where(e => e.Length > 0).ToList();

    public IReadOnlyList<WebSchool> Schools => schools;

    public WebSchool? School(string code) => Schools.FirstOrDefault(s => s.Skolenhetskod == code);

    /// <summary>The schools the address is rektor of in the registry.</summary>
    public IReadOnlyList<string> SchoolsOfRektor(string email) =>
        Schools.Where(s => s.RektorEmails.Contains(email.Trim().ToLowerInvariant())).Select(s => s.Skolenhetskod).ToList();

    /// <summary>The fristående schools the registry gives this huvudman; never a kommunal school, whatever its huvudman is called.</summary>
    public IReadOnlyList<string> SchoolsOfHuvudman(string huvudman) =>
        Schools.Where(s => s.Independent && string.Equals(s.Huvudman, huvudman.Trim(), StringComparison.Ordinal)).Select(s => s.Skolenhetskod).ToList();

    public AnalystAccount? Analyst(string email) =>
        options.Value.Analysts.FirstOrDefault(a => string.Equals(a.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));

    public HuvudmanAccount? HuvudmanAccount(string email) =>
        options.Value.HuvudmanAccounts.FirstOrDefault(a => string.Equals(a.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The password an address signs in with on /logga-in (an analyst's or a huvudman's), or null.</summary>
    public string? Password(string email) => Analyst(email)?.Password ?? HuvudmanAccount(email)?.Password;

    /// <summary>
    /// The schools a signed-in user may see on this request: an analyst every school in the registry; a huvudman's person the
    /// schools of the huvudman their session was opened for, while their account still names it; a rektor the schools their
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

        return [.. RektorSchools(user).Union(HuvudmanSchools(user))];
    }

    /// <summary>The schools the user leads as rektor on this request.</summary>
    public IReadOnlyList<string> RektorSchools(ClaimsPrincipal user)
    {
        if (!user.IsInRole(RektorRole) || user.FindFirstValue(ClaimTypes.Email) is not { } email)
        {
            return [];
        }

        var granted = user.FindAll(SchoolClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        return SchoolsOfRektor(email).Where(granted.Contains).ToList();
    }

    /// <summary>The fristående huvudman the user speaks for on this request, or null: the session's and the account's must agree.</summary>
    public string? HuvudmanOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.IsInRole(HuvudmanRole) && user.FindFirstValue(ClaimTypes.Email) is { } email
        && user.FindFirstValue(HuvudmanClaim) is { } claimed && HuvudmanAccount(email) is { } account
        && string.Equals(account.Huvudman.Trim(), claimed, StringComparison.Ordinal)
            ? claimed
            : null;

    /// <summary>The schools of the huvudman the user speaks for, or none.</summary>
    public IReadOnlyList<string> HuvudmanSchools(ClaimsPrincipal user) => HuvudmanOf(user) is { } huvudman ? SchoolsOfHuvudman(huvudman) : [];

    /// <summary>
    /// Whether the user may record the legal steps for the school's pupils: only its rektor, whose duty they are. An analyst or a
    /// huvudman's person sees the steps but owns no school's steps.
    /// </summary>
    public bool MayRecordSteps(ClaimsPrincipal user, string school) => RektorSchools(user).Contains(school);

    /// <summary>
    /// A session for an address confirmed by a password or the identity provider: an analyst; else a huvudman's person and/or a
    /// rektor (at a small fristående school one person can be both); or nobody (null).
    /// </summary>
    public ClaimsPrincipal? PrincipalFor(string email, string scheme)
    {
        if (Analyst(email) is { } analyst)
        {
            return Principal(analyst.Email, analyst.Name is { Length: > 0 } n ? n : analyst.Email, AnalystRole, [], scheme);
        }

        var schools = SchoolsOfRektor(email);
        var huvudman = HuvudmanAccount(email);
        if (schools.Count == 0 && huvudman is null)
        {
            return null;
        }

        var name = RektorName(email) ?? (huvudman?.Name is { Length: > 0 } h ? h : email);
        var claims = new List<Claim> { new(ClaimTypes.Email, email.Trim().ToLowerInvariant()), new(ClaimTypes.Name, name) };
        if (schools.Count > 0)
        {
            claims.Add(new Claim(ClaimTypes.Role, RektorRole));
            claims.AddRange(schools.Select(s => new Claim(SchoolClaim, s)));
        }

        if (huvudman is not null)
        {
            claims.AddRange([new Claim(ClaimTypes.Role, HuvudmanRole), new Claim(HuvudmanClaim, huvudman.Huvudman.Trim())]);
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The rektor's name as the registry gives it with this address, or null (no such rektor, or no name given).</summary>
    public string? RektorName(string email) => registry
        .SelectMany(s => s.Rektorer)
        .FirstOrDefault(r => string.Equals(r.Email.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase)) is { Name.Length: > 0 } rektor
            ? rektor.Name
            : null;

    public static ClaimsPrincipal Principal(string email, string name, string role, IEnumerable<string> schools, string scheme) =>
        new(new ClaimsIdentity(
            [new Claim(ClaimTypes.Email, email), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role), .. schools.Select(s => new Claim(SchoolClaim, s))],
            scheme, ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>
    /// Huvudman accounts the registry cannot place, each naming its key: a huvudman no fristående school has (a misspelling would
    /// open an empty page), or the municipality's (its people are analysts, who see every school).
    /// </summary>
    public static IEnumerable<string> RegistryProblems(WebOptions options, IReadOnlyList<WebSchool> registry)
    {
        var independent = registry.Where(s => s.Independent).Select(s => s.Huvudman).Where(h => h.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < options.HuvudmanAccounts.Count; i++)
        {
            var named = options.HuvudmanAccounts[i].Huvudman.Trim();
            var at = $"{WebOptions.Section}:HuvudmanAccounts:{i}:Huvudman = '{named}'";
            if (independent.Contains(named))
            {
                continue;
            }

            yield return registry.Any(s => !s.Independent && s.Huvudman == named)
                ? $"{at}: the huvudman of kommunal schools; the municipality's people sign in as {WebOptions.Section}:Analysts."
                : $"{at}: no fristående school in Skolnarvaro:Schools has this huvudman; expected one of: {(independent.Count == 0 ? "(none)" : string.Join(", ", independent))}.";
        }
    }
}
