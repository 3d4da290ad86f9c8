using MimeKit;

namespace Skolnarvaro.Notifications.Digests;

/// <summary>Builds the MIME message (plain text and HTML alternatives) that the outbox stores and delivers as is.</summary>
public static class DigestMail
{
    public static byte[] Compose(
        string fromName, string fromAddress, IEnumerable<(string Name, string Email)> to, RenderedDigest digest, string idempotencyKey, DateTimeOffset date)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        foreach (var (name, email) in to)
        {
            message.To.Add(new MailboxAddress(name, email));
        }

        message.Subject = digest.Subject;
        message.Date = date;
        // A stable Message-Id lets a receiving server or client drop the rare duplicate after a crash mid-send.
        message.MessageId = $"{idempotencyKey}@skolnarvaro";
        message.Body = new BodyBuilder { TextBody = digest.Text, HtmlBody = digest.Html }.ToMessageBody();

        return Bytes(message);
    }

    /// <summary>A plain-text message, for the analysts' run report.</summary>
    public static byte[] ComposeText(string fromName, string fromAddress, string to, string subject, string text, string idempotencyKey, DateTimeOffset date)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(fromName, fromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = date;
        message.MessageId = $"{idempotencyKey}@skolnarvaro";
        message.Body = new TextPart("plain") { Text = text };
        return Bytes(message);
    }

    private static byte[] Bytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }
}
