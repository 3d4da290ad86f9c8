using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Skolnarvaro.Web;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// In demo mode the rektor's page is on with local defaults: the sample's digests carry personal links to the worker on
/// this machine, signed with a public demo key, so `run-once` then `worker` and a click in out/digests opens the page.
/// Added beneath every other source, so any Skolnarvaro:Web key set elsewhere still wins; outside demo mode nothing is added,
/// and the demo key itself is refused there (<see cref="WebOptions.Validate"/>).
/// </summary>
public static class DemoWebDefaults
{
    public const string DefaultDashboardUrl = "http://127.0.0.1:5080";

    public static void AddIfDemo(IConfigurationBuilder builder, IConfiguration configuration)
    {
        if (!configuration.GetValue<bool>("Skolnarvaro:Demo:Enabled"))
        {
            return;
        }

        var source = new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [$"{WebOptions.Section}:Enabled"] = "true",
                [$"{WebOptions.Section}:PublicUrl"] = LocalUrl(configuration["Skolnarvaro:Worker:Dashboard:Url"]),
                [$"{WebOptions.Section}:LinkKey"] = WebOptions.DemoLinkKey,
            },
        };
        builder.Sources.Insert(0, source);
    }

    /// <summary>The worker's own address as a browser on this machine reaches it (a wildcard host becomes 127.0.0.1).</summary>
    private static string LocalUrl(string? dashboardUrl)
    {
        if (!Uri.TryCreate(string.IsNullOrWhiteSpace(dashboardUrl) ? DefaultDashboardUrl : dashboardUrl, UriKind.Absolute, out var url))
        {
            return DefaultDashboardUrl;
        }

        var host = url.Host is "0.0.0.0" or "[::]" or "::" or "*" or "+" ? "127.0.0.1" : url.Host;
        return new UriBuilder(url.Scheme, host, url.Port).Uri.ToString().TrimEnd('/');
    }
}
