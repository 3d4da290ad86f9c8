using System.Net;
using System.Net.Sockets;

namespace Skolnarvaro.TestSupport;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a server (an SMTP sink) that can stall: while stalled it accepts connections but
/// forwards nothing the server says, so a client waits for the greeting and the server never receives a message. Lets a
/// test kill a worker in the middle of sending without any mail having been accepted.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int target;
    private readonly CancellationTokenSource stop = new();
    private readonly TaskCompletionSource stalledConnection = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task accepting;
    private volatile bool stalled = true;

    public StallingProxy(int targetPort)
    {
        target = targetPort;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Completes when a client has connected while the proxy was stalled.</summary>
    public Task StalledConnection => stalledConnection.Task;

    /// <summary>From now on, new connections are forwarded both ways.</summary>
    public void Release() => stalled = false;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        try
        {
            await accepting;
        }
        catch (OperationCanceledException)
        {
        }
        catch (SocketException)
        {
        }

        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            var client = await listener.AcceptTcpClientAsync(stop.Token);
            if (stalled)
            {
                stalledConnection.TrySetResult();
                _ = HoldAsync(client);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    /// <summary>Keeps the connection open and silent until the client goes away.</summary>
    private async Task HoldAsync(TcpClient client)
    {
        using (client)
        {
            var buffer = new byte[1024];
            try
            {
                while (await client.GetStream().ReadAsync(buffer, stop.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, target, stop.Token);
                var a = client.GetStream().CopyToAsync(server.GetStream(), stop.Token);
                var b = server.GetStream().CopyToAsync(client.GetStream(), stop.Token);
                await Task.WhenAny(a, b);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
            }
        }
    }
}
