namespace Skolnarvaro.Notifications.Digests;

/// <summary>Where no page is served (Notifications on its own, a test host): digests carry no personal links.</summary>
internal sealed class NoDigestLinks : IDigestLinks
{
    public IReadOnlyDictionary<string, DigestLink> ForSchool(string school) => new Dictionary<string, DigestLink>();
}
