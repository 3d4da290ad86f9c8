namespace Skolnarvaro.Web;

/// <summary>Skolnarvaro:Web: the rektor's page, served by the worker.</summary>
public sealed class WebOptions
{
    public const string Section = "Skolnarvaro:Web";

    /// <summary>The public key demo mode signs the sample's links with; refused outside demo mode.</summary>
    public const string DemoLinkKey = "skolnarvaro-demo-link-key-for-the-bundled-sample-only";

    /// <summary>Serve the pages in the worker (on Skolnarvaro:Worker:Dashboard:Url, 127.0.0.1 by default).</summary>
    public bool Enabled { get; set; }

    /// <summary>The address rektorer reach the pages at, behind the municipality's TLS proxy: the base of every digest's link.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The secret the sign-in links are signed with (HMAC-SHA256), at least 32 characters, from the environment.</summary>
    public string? LinkKey { get; set; }

    /// <summary>How many days a digest's link opens the page.</summary>
    public int LinkValidDays { get; set; } = 14;

    /// <summary>How long a session lasts without use.</summary>
    public TimeSpan SessionLength { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Password attempts on one account a minute, and sign-in links that do not hold from one client address; more get 429.</summary>
    public int SignInAttemptsPerMinute { get; set; } = 10;

    /// <summary>
    /// The municipality's analysts (Kommunens översikt: every school), who sign in with an e-mail address and a password from
    /// configuration or by OpenID Connect.
    /// </summary>
    public List<AnalystAccount> Analysts { get; set; } = [];

    /// <summary>
    /// People of a fristående school's huvudman (the company or foundation behind it): each sees Huvudmannens översikt and the
    /// pages of the schools the registry gives that huvudman, nothing else; they sign in like analysts.
    /// </summary>
    public List<HuvudmanAccount> HuvudmanAccounts { get; set; } = [];

    /// <summary>OpenID Connect, for municipalities with an identity provider: the e-mail claim is matched to the registry.</summary>
    public OidcSettings Oidc { get; set; } = new();

    /// <summary>Links go into digests only with a public address and a key.</summary>
    public bool SignsLinks => !string.IsNullOrWhiteSpace(PublicUrl) && !string.IsNullOrEmpty(LinkKey);

    /// <param name="demo">Demo mode (Skolnarvaro:Demo:Enabled), the only place the public demo link key may sign links.</param>
    public IEnumerable<string> Validate(bool demo = false)
    {
        if (!demo && LinkKey == DemoLinkKey)
        {
            yield return $"{Section}:LinkKey is the public demo key, which anyone can read in the source: outside demo mode set a secret " +
                "of your own (32+ random characters) in the environment, Skolnarvaro__Web__LinkKey.";
        }

        if (!string.IsNullOrEmpty(LinkKey) && LinkKey.Length < 32)
        {
            yield return $"{Section}:LinkKey must be at least 32 characters (it has {LinkKey.Length}); set it in the environment, e.g. Skolnarvaro__Web__LinkKey.";
        }

        if (!string.IsNullOrWhiteSpace(PublicUrl) && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")))
        {
            yield return $"{Section}:PublicUrl = '{PublicUrl}': expected an absolute http(s) address such as https://skolnarvaro.exempelstad.se.";
        }

        if (!string.IsNullOrWhiteSpace(PublicUrl) && string.IsNullOrEmpty(LinkKey))
        {
            yield return $"{Section}:PublicUrl is set but {Section}:LinkKey is not: digests cannot carry signed links without a key.";
        }

        if (LinkValidDays is < 1 or > 60)
        {
            yield return $"{Section}:LinkValidDays = {LinkValidDays}: expected 1 to 60 days.";
        }

        if (SessionLength < TimeSpan.FromMinutes(5) || SessionLength > TimeSpan.FromDays(1))
        {
            yield return $"{Section}:SessionLength = {SessionLength}: expected between 00:05:00 and 1.00:00:00.";
        }

        if (SignInAttemptsPerMinute is < 1 or > 1000)
        {
            yield return $"{Section}:SignInAttemptsPerMinute = {SignInAttemptsPerMinute}: expected 1 to 1000.";
        }

        for (var i = 0; i < Analysts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Analysts[i].Email) || !Analysts[i].Email.Contains('@'))
            {
                yield return $"{Section}:Analysts:{i}:Email = '{Analysts[i].Email}': expected an e-mail address.";
            }
        }

        for (var i = 0; i < HuvudmanAccounts.Count; i++)
        {
            var account = HuvudmanAccounts[i];
            if (string.IsNullOrWhiteSpace(account.Email) || !account.Email.Contains('@'))
            {
                yield return $"{Section}:HuvudmanAccounts:{i}:Email = '{account.Email}': expected an e-mail address.";
            }
            else if (Analysts.Any(a => string.Equals(a.Email.Trim(), account.Email.Trim(), StringComparison.OrdinalIgnoreCase)))
            {
                yield return $"{Section}:HuvudmanAccounts:{i}:Email = '{account.Email}' is also one of {Section}:Analysts: an address is the municipality's or a huvudman's, not both.";
            }
        }

        if (Oidc.IsConfigured && (string.IsNullOrWhiteSpace(Oidc.ClientId) || !Uri.TryCreate(Oidc.Authority, UriKind.Absolute, out _)))
        {
            yield return $"{Section}:Oidc needs both Authority (an absolute address) and ClientId.";
        }
    }
}

/// <summary>An analyst: e-mail address, name, and a password from the environment (never the repo); no password: OpenID Connect only.</summary>
public sealed class AnalystAccount
{
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Password { get; set; }
}

/// <summary>One person of a fristående huvudman: the huvudman as the school registry names it, e-mail, name, password from the environment.</summary>
public sealed class HuvudmanAccount
{
    /// <summary>Exactly as the registry's fristående schools name their huvudman (Skolnarvaro:Schools:n:Huvudman).</summary>
    public string Huvudman { get; set; } = "";
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
    public string? Password { get; set; }
}

/// <summary>Skolnarvaro:Web:Oidc.</summary>
public sealed class OidcSettings
{
    public string? Authority { get; set; }
    public string? ClientId { get; set; }
    /// <summary>From the environment (Skolnarvaro__Web__Oidc__ClientSecret).</summary>
    public string? ClientSecret { get; set; }
    /// <summary>The claim that carries the user's e-mail address.</summary>
    public string EmailClaim { get; set; } = "email";
    /// <summary>Refuse an identity provider whose metadata is not served over https (only a test provider on 127.0.0.1 may set false).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(ClientId);
}
