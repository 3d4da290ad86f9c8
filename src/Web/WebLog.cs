using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Skolnarvaro.Web;

/// <summary>
/// What the pages log: who signed in and which steps were recorded or withdrawn, so ops can follow the work without reading
/// the database. Users appear by a pseudonymous id (the first hex digits of SHA-256 of the lower-case address: the same id in
/// every line, and an auditor with the registry can tell whose), pupils by the reference the digest shows, schools by code;
/// never a name, an address or a personnummer.
/// </summary>
public static partial class WebLog
{
    public const string Category = "Skolnarvaro.Web";

    public static string UserId(string? email) =>
        "user-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes((email ?? "").Trim().ToLowerInvariant())))[..10];

    /// <summary>A pupil as the digest names them with NameDisplay None: the first three bytes of the pupil key.</summary>
    public static string PupilReference(byte[] pupilKey) => Convert.ToHexString(pupilKey, 0, 3);

    public static void SignedIn(ILogger logger, ClaimsPrincipal user, string path)
    {
        var method = path.StartsWith("/logga-in/oidc", StringComparison.Ordinal) ? "OpenID Connect"
            : path.StartsWith("/logga-in", StringComparison.Ordinal) ? "password" : "digest link";
        var schools = user.FindAll(WebUsers.SchoolClaim).Select(c => c.Value).ToList();
        SignedIn(logger, method, user.FindFirstValue(ClaimTypes.Role) ?? "?", UserId(user.FindFirstValue(ClaimTypes.Email)),
            schools.Count == 0 ? "all schools" : string.Join(", ", schools));
    }

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Signed in by {Method}: {Role} {User}, {Schools}")]
    private static partial void SignedIn(ILogger logger, string method, string role, string user, string schools);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Signed out: {User}")]
    public static partial void SignedOut(ILogger logger, string user);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Step {Step} recorded for pupil ref. {Pupil} at school {School}, dated {Date:yyyy-MM-dd}, by {User}")]
    public static partial void StepRecorded(ILogger logger, string step, string pupil, string school, DateOnly date, string user);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Information, Message = "Step {Step} withdrawn for pupil ref. {Pupil} at school {School} by {User}")]
    public static partial void StepWithdrawn(ILogger logger, string step, string pupil, string school, string user);
}
