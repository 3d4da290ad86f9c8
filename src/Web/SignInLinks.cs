using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Web;

/// <summary>What a link says, once its signature holds: whose it is, for which schools, until when, and as whom.</summary>
public sealed record SignInClaim(string Email, IReadOnlyList<string> Schools, DateTimeOffset Expires)
{
    /// <summary>The group the link was made for: a rektor's link (three signed fields) names none and is a rektor's.</summary>
    public RecipientGroup Group { get; init; } = RecipientGroup.Rektor;
}

public enum LinkCheck { Valid, Tampered, Expired }

/// <summary>
/// The personal links in digests: the rektor's address, their schools and an expiry, signed with HMAC-SHA256 under a server
/// key from configuration. Nothing is stored: a link is checked by its signature, and it opens only while the address is
/// still a rektor of those schools in the registry.
/// </summary>
public sealed class SignInLinks(IOptions<WebOptions> options, WebUsers users, TimeProvider time) : IDigestLinks
{
    public const string Path = "/in";

    public bool Enabled => options.Value.SignsLinks;

    /// <summary>Each rektor of the school's personal link (to all the schools they are rektor of), by address; empty when links are off.</summary>
    public IReadOnlyDictionary<string, DigestLink> ForSchool(string school)
    {
        var links = new Dictionary<string, DigestLink>(StringComparer.Ordinal);
        foreach (var email in users.School(school)?.RektorEmails ?? [])
        {
            if (For(email, users.SchoolsOfRektor(email)) is { } link)
            {
                links[email] = link;
            }
        }

        return links;
    }

    /// <summary>
    /// The link of one recipient of a group to what that group sees of the school, or null: links off, a group the pages do not
    /// serve (yet), or an address the registry does not give the group at the school. A mentor's classes are not looked up here:
    /// the roster in force is asked each time the link or its session is used.
    /// </summary>
    public DigestLink? ForRecipient(string school, RecipientGroup group, string email) => group switch
    {
        RecipientGroup.Rektor => RektorLink(school, email),
        RecipientGroup.Mentor => GroupLink(school, group, email),
        RecipientGroup.Elevhalsan => users.ElevhalsanEmails(school).Contains(email.Trim().ToLowerInvariant()) ? GroupLink(school, group, email) : null,
        RecipientGroup.Skolnarvaroteam => ForTeam(school, email),
        _ => null,
    };

    /// <summary>A skolnärvaroteam address's link to its view: every school whose registry entry lists the address, not only this one.</summary>
    private DigestLink? ForTeam(string school, string email) =>
        users.School(school)?.TeamEmails.Contains(email.Trim().ToLowerInvariant()) == true
            ? Link(expires => Token(email, users.SchoolsOfTeam(email), expires, RecipientGroup.Skolnarvaroteam))
            : null;

    private DigestLink? RektorLink(string school, string email) =>
        users.SchoolsOfRektor(email) is var schools && schools.Contains(school) ? For(email, schools) : null;

    private DigestLink? GroupLink(string school, RecipientGroup group, string email) => Link(expires => Token(email, [school], expires, group));

    /// <summary>The link for a digest to <paramref name="email"/>, or null when the pages are not reachable by link.</summary>
    public DigestLink? For(string email, IReadOnlyList<string> schools) => Link(expires => Token(email, schools, expires));

    private DigestLink? Link(Func<DateTimeOffset, string> token)
    {
        if (!Enabled)
        {
            return null;
        }

        // Valid to the end of the last day, school time, so "gäller till och med 12 december" holds all of that day.
        var lastDay = time.SchoolToday().AddDays(options.Value.LinkValidDays);
        var expires = time.Instant(lastDay.AddDays(1), TimeOnly.MinValue);
        var url = $"{options.Value.PublicUrl!.TrimEnd('/')}{Path}?t={token(expires)}";
        return new DigestLink(url, lastDay.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("sv-SE")));
    }

    /// <summary>
    /// A rektor's token signs three fields (address, schools, expiry), as it always has; another group's a fourth, the group's
    /// name, so no token of one group reads as another's and a rektor's link made before groups existed still holds.
    /// </summary>
    public string Token(string email, IReadOnlyList<string> schools, DateTimeOffset expires, RecipientGroup group = RecipientGroup.Rektor)
    {
        var fields = $"{email.Trim().ToLowerInvariant()}\n{string.Join(',', schools)}\n{expires.ToUnixTimeSeconds()}";
        var payload = Encoding.UTF8.GetBytes(group == RecipientGroup.Rektor ? fields : $"{fields}\n{group}");
        return $"{WebEncoders.Base64UrlEncode(payload)}.{WebEncoders.Base64UrlEncode(Sign(payload))}";
    }

    public (LinkCheck, SignInClaim?) Check(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 4096 || token.Split('.') is not [var body, var signature] || !Enabled)
        {
            return (LinkCheck.Tampered, null);
        }

        byte[] payload, given;
        try
        {
            (payload, given) = (WebEncoders.Base64UrlDecode(body), WebEncoders.Base64UrlDecode(signature));
        }
        catch (FormatException)
        {
            return (LinkCheck.Tampered, null);
        }

        if (!CryptographicOperations.FixedTimeEquals(Sign(payload), given)
            || Encoding.UTF8.GetString(payload).Split('\n') is not [var email, var schools, var seconds, .. var rest]
            || !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix)
            || GroupNamed(rest) is not { } group)
        {
            return (LinkCheck.Tampered, null);
        }

        var claim = new SignInClaim(email, schools.Split(',', StringSplitOptions.RemoveEmptyEntries), DateTimeOffset.FromUnixTimeSeconds(unix)) { Group = group };
        return (claim.Expires <= time.GetUtcNow() ? LinkCheck.Expired : LinkCheck.Valid, claim);
    }

    // No fourth field: a rektor's. A fourth must be another group's own name: "Rektor", "1" or "Mentor,Elevhalsan" is no group.
    private static RecipientGroup? GroupNamed(string[] rest) => rest switch
    {
        [] => RecipientGroup.Rektor,
        [var name] => Enum.GetValues<RecipientGroup>().Where(g => g != RecipientGroup.Rektor && g.ToString() == name).Select(g => (RecipientGroup?)g).FirstOrDefault(),
        _ => null,
    };

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkKey ?? ""), payload);
}
