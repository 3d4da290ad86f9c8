using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Skolnarvaro.Web;

/// <summary>
/// Guessing at the doors, throttled to Skolnarvaro:Web:SignInAttemptsPerMinute. A password attempt counts against the account
/// (the e-mail address typed), whatever client address it comes from, so forwarded addresses gain nothing. A sign-in link that
/// does not hold counts against the client address and against all addresses together (ten times as many), and while either
/// is spent no link is checked at all, so its answer tells a guesser nothing.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private const int AllAddressesFactor = 10;

    private readonly PartitionedRateLimiter<string> accounts;
    private readonly PartitionedRateLimiter<string> linkAddresses;
    private readonly FixedWindowRateLimiter allLinks;

    public SignInThrottle(IOptions<WebOptions> options)
    {
        var perMinute = options.Value.SignInAttemptsPerMinute;
        accounts = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(perMinute)));
        linkAddresses = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => Window(perMinute)));
        allLinks = new FixedWindowRateLimiter(Window(perMinute * AllAddressesFactor));
    }

    /// <summary>Counts a password attempt on the account; false when the account has had its attempts this minute.</summary>
    public bool TryPassword(string? email)
    {
        using var lease = accounts.AttemptAcquire(Account(email));
        return lease.IsAcquired;
    }

    /// <summary>Whether a link from this client address may be checked now.</summary>
    public bool LinksOpen(string address) =>
        linkAddresses.GetStatistics(address)?.CurrentAvailablePermits > 0 && allLinks.GetStatistics()?.CurrentAvailablePermits > 0;

    /// <summary>Counts a link that did not hold (tampered or made up).</summary>
    public void LinkFailed(string address)
    {
        using var one = linkAddresses.AttemptAcquire(address);
        using var all = allLinks.AttemptAcquire();
    }

    public void Dispose()
    {
        accounts.Dispose();
        linkAddresses.Dispose();
        allLinks.Dispose();
    }

    // Case and surrounding spaces do not make another account; an absurdly long "address" is one account of its own.
    private static string Account(string? email) =>
        (email ?? "").Trim().ToLowerInvariant() is { Length: <= 320 } key ? key : "(för lång)";

    private static FixedWindowRateLimiterOptions Window(int permits) =>
        new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true };
}
