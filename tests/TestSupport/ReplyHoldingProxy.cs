using System.Net;
using System.Net.Sockets;

namespace Skolnarvaro.TestSupport;

/// <summary>
/// A TCP relay in front of a real SMTP server that, once the client has sent the end of a message (CRLF . CRLF),
/// stops relaying the server's replies: the server accepts and stores the mail, the client never hears the 250.
/// That holds a sender in the crash window, between the server's acceptance and the sender's sent mark.
/// </summary>
public sealed class ReplyHoldingProxy : IAsyncDisposable
{
    private static readonly byte[] EndOfData = "\r\n.\r\n"u8.ToArray();

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int serverPort;
    private readonly CancellationTokenSource stop = new();
    private readonly List<TcpClient> sockets = [];
    private readonly Task accepting;
    private volatile bool holding;

    public ReplyHoldingProxy(int serverPort)
    {
        this.serverPort = serverPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Completes when a client has sent a whole message; from then on no reply reaches any client.</summary>
    public TaskCompletionSource MessageSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(IPAddress.Loopback, serverPort, stop.Token);
                lock (sockets)
                {
                    sockets.AddRange([client, server]);
                }

                _ = RelayAsync(client.GetStream(), server.GetStream(), watchForEndOfData: true);
                _ = RelayAsync(server.GetStream(), client.GetStream(), watchForEndOfData: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RelayAsync(NetworkStream from, NetworkStream to, bool watchForEndOfData)
    {
        var buffer = new byte[8192];
        var tail = new List<byte>();
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, stop.Token)) > 0)
            {
                if (watchForEndOfData)
                {
                    // The terminator may be split across reads: look at the end of the previous read too.
                    tail.AddRange(buffer.AsSpan(0, read).ToArray());
                    if (tail.ToArray().AsSpan().IndexOf(EndOfData) >= 0)
                    {
                        holding = true;
                        MessageSent.TrySetResult();
                    }

                    tail.RemoveRange(0, Math.Max(0, tail.Count - EndOfData.Length));
                }
                else if (holding)
                {
                    continue;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), stop.Token);
            }

            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away (the killed sender): the relay just ends.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        lock (sockets)
        {
            sockets.ForEach(s => s.Dispose());
        }

        stop.Dispose();
    }
}
