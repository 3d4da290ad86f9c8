using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Skolnarvaro.Notifications.Outbox;
using Skolnarvaro.Notifications.Recipients;

namespace Skolnarvaro.Notifications.Delivery;

/// <summary>Where an outbox message goes: an SMTP server, or a folder of .eml files in dry-run mode.</summary>
public interface IMailTransport : IAsyncDisposable
{
    string Describe();
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

/// <summary>SMTP through MailKit, one connection reused for a batch of messages.</summary>
public sealed class SmtpTransport(SmtpSettings settings) : IMailTransport
{
    private SmtpClient? client;

    public string Describe() => $"SMTP {settings.Host}:{settings.Port}";

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        if (client is not { IsConnected: true })
        {
            client?.Dispose();
            client = new SmtpClient();
            await client.ConnectAsync(settings.Host ?? throw new InvalidOperationException("Skolnarvaro:Notifications:Smtp:Host is not set."), settings.Port, settings.StartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, ct);
            if (!string.IsNullOrEmpty(settings.Username))
            {
                await client.AuthenticateAsync(settings.Username, settings.Password ?? "", ct);
            }
        }

        using var stream = new MemoryStream(message.Mime);
        var mime = await MimeMessage.LoadAsync(stream, ct);
        await client.SendAsync(mime, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (client is { IsConnected: true })
        {
            await client.DisconnectAsync(quit: true);
        }

        client?.Dispose();
    }
}
