using Skolnarvaro.Schools;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>
/// The personal links a school's digests carry to its page, by rektor address (lower case). The stage that serves the page
/// signs them; the night only asks, so it does not depend on the page.
/// </summary>
public interface IDigestLinks
{
    /// <summary>Each rektor of the school's link, by address; empty when the page is not reachable by link.</summary>
    IReadOnlyDictionary<string, DigestLink> ForSchool(string school);

    /// <summary>
    /// The personal link of one recipient of another group (a mentor, elevhälsan, the skolnärvaroteam) to what that group
    /// may see of the school, or null when the page does not serve that group (yet) or is not reachable by link.
    /// </summary>
    DigestLink? ForRecipient(string school, RecipientGroup group, string email) => null;
}
