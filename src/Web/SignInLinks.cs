using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Skolnarvaro.Notifications;
using Skolnarvaro.Notifications.Digests;

namespace Skolnarvaro.Web;

/// <summary>What a link says, once its signature holds: whose it is, for which schools, until when.</summary>
public sealed record SignInClaim(string Email, IReadOnlyList<string> Schools, DateTimeOffset Expires);

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

    /// <summary>The link for a digest to <paramref name="email"/>, or null when the pages are not reachable by link.</summary>
    public DigestLink? For(string email, IReadOnlyList<string> schools)
    {
        if (!Enabled)
        {
            return null;
        }

        // Valid to the end of the last day, school time, so "gäller till och med 12 december" holds all of that day.
        var lastDay = time.SchoolToday().AddDays(options.Value.LinkValidDays);
        var expires = time.Instant(lastDay.AddDays(1), TimeOnly.MinValue);
        var url = $"{options.Value.PublicUrl!.TrimEnd('/')}{Path}?t={Token(email, schools, expires)}";
        return new DigestLink(url, lastDay.ToString("d MMMM yyyy", CultureInfo.GetCultureInfo("sv-SE")));
    }

    public string Token(string email, IReadOnlyList<string> schools, DateTimeOffset expires)
    {
        var payload = Encoding.UTF8.GetBytes($"{email.Trim().ToLowerInvariant()}\n{string.Join(',', schools)}\n{expires.ToUnixTimeSeconds()}");
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
            || Encoding.UTF8.GetString(payload).Split('\n') is not [var email, var schools, var seconds]
            || !long.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return (LinkCheck.Tampered, null);
        }

        var claim = new SignInClaim(email, schools.Split(',', StringSplitOptions.RemoveEmptyEntries), DateTimeOffset.FromUnixTimeSeconds(unix));
        return (claim.Expires <= time.GetUtcNow() ? LinkCheck.Expired : LinkCheck.Valid, claim);
    }

    private byte[] Sign(byte[] payload) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(options.Value.LinkKey ?? ""), payload);
}
