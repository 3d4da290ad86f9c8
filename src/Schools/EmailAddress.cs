using MimeKit;

namespace Skolnarvaro.Schools;

/// <summary>The one rule for an address the pipeline will write to: one mailbox that MimeKit parses, with a local part and a domain.</summary>
public static class EmailAddress
{
    public static bool IsValid(string? value) =>
        !string.IsNullOrWhiteSpace(value) && MailboxAddress.TryParse(value, out var address) && address.Address.Contains('@', StringComparison.Ordinal)
        && !address.Address.StartsWith('@') && !address.Address.EndsWith('@');
}
