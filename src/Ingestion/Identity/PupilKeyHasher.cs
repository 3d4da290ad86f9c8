using System.Buffers.Text;
using System.Security.Cryptography;

namespace Skolnarvaro.Ingestion.Identity;

/// <summary>Pseudonymisation settings (Skolnarvaro:Pseudonymisation). The key comes from the environment, never the repo.</summary>
public sealed class PseudonymisationOptions
{
    public const string Section = "Skolnarvaro:Pseudonymisation";

    /// <summary>The HMAC secret, at least 32 characters. Set SKOLNARVARO__PSEUDONYMISATION__KEY or user configuration.</summary>
    public string? Key { get; set; }
}

/// <summary>
/// Turns a personnummer into the pupil key stored everywhere: HMAC-SHA256 with a secret. Without the secret the key
/// cannot be reversed or recomputed from a guessed personnummer, which a plain hash could.
/// </summary>
public sealed class PupilKeyHasher
{
    private readonly byte[] key;

    public PupilKeyHasher(string secret)
    {
        if (string.IsNullOrEmpty(secret) || secret.Length < 32)
        {
            throw new ArgumentException("The pseudonymisation key must be at least 32 characters.", nameof(secret));
        }

        key = System.Text.Encoding.UTF8.GetBytes(secret);
    }

    public byte[] KeyFor(Personnummer personnummer)
    {
        Span<byte> text = stackalloc byte[12];
        Utf8Formatter.TryFormat(personnummer.Digits12, text, out _, new System.Buffers.StandardFormat('D', 12));
        return HMACSHA256.HashData(key, text);
    }
}
