using System.Net;
using System.Net.Sockets;

namespace Skolnarvaro.TestSupport;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on right now (another process may still take it before use).</summary>
public static class FreePort
{
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
