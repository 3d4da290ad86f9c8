using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Delivery;

/// <summary>The one place that chooses where mail goes.</summary>
public static class MailTransports
{
    /// <summary>SMTP when a host is configured, else (and in a dry run) .eml files in the dry-run folder.</summary>
    public static IMailTransport For(NotificationOptions options, bool dryRun) => dryRun || string.IsNullOrWhiteSpace(options.Smtp.Host)
        ? new EmlFolderTransport(options.DryRunFolder)
        : new SmtpTransport(options.Smtp);
}

/// <summary>Where an outbox message goes: an SMTP server, or a folder of .eml files in dry-run mode.</summary>
public interface IMailTransport : IAsyncDisposable
{
    string Describe();

    /// <summary>Returns once the message has been accepted; throws when it may not have been.</summary>
    Task SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>Dry run: each message becomes one .eml file, named by its idempotency key, so a retry overwrites rather than duplicates.</summary>
public sealed class EmlFolderTransport(string folder) : IMailTransport
{
    public string Describe() => $".eml files in {folder}";

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var name = string.Concat(message.IdempotencyKey.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_')) + ".eml";
        var path = Path.Combine(folder, name);
        var temp = path + ".tmp";
        await File.WriteAllBytesAsync(temp, message.Mime, ct);
        File.Move(temp, path, overwrite: true);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>
/// SMTP through MailKit, one connection reused for a batch of messages. The envelope recipients are the outbox row's,
/// not re-derived from the headers, so a message reaches exactly the rektorer it was recorded for.
/// </summary>
public sealed class SmtpTransport(SmtpSettings settings) : IMailTransport
{
    private SmtpClient? client;

    public string Describe() => $"SMTP {settings.Host}:{settings.Port} ({settings.Security})";

    /// <summary>Connects (with TLS as configured) and logs in as a delivery would, and sends nothing: a go-live check.</summary>
    public async Task ProbeAsync(CancellationToken ct)
    {
        await ConnectedAsync(ct);
        DropConnection();
    }

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        using var stream = new MemoryStream(message.Mime);
        var mime = await MimeMessage.LoadAsync(stream, ct);
        var sender = mime.Sender ?? mime.From.Mailboxes.First();
        var recipients = message.Recipients.Select(MailboxAddress.Parse).ToList();
        try
        {
            var smtp = await ConnectedAsync(ct);
            await smtp.SendAsync(mime, sender, recipients, ct);
        }
        catch
        {
            // After a failure mid-conversation the connection's state is unknown: the next message starts afresh.
            DropConnection();
            throw;
        }
    }

    private async Task<SmtpClient> ConnectedAsync(CancellationToken ct)
    {
        if (client is { IsConnected: true })
        {
            return client;
        }

        client?.Dispose();
        client = new SmtpClient { Timeout = (int)settings.Timeout.TotalMilliseconds };
        var host = string.IsNullOrWhiteSpace(settings.Host)
            ? throw new InvalidOperationException("Skolnarvaro:Notifications:Smtp:Host is not set.")
            : settings.Host;
        await client.ConnectAsync(host, settings.Port, settings.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        }, ct);
        if (!string.IsNullOrEmpty(settings.Username))
        {
            await client.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
        }

        return client;
    }

    private void DropConnection()
    {
        client?.Dispose();
        client = null;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (client is { IsConnected: true })
            {
                await client.DisconnectAsync(quit: true);
            }
        }
        catch (Exception e) when (e is IOException or MailKit.ProtocolException or MailKit.CommandException)
        {
            // Every message was accepted or recorded as failed before this point; a QUIT the server misses changes nothing.
        }
        finally
        {
            DropConnection();
        }
    }
}
