using System.Net;
using System.Net.Sockets;

namespace Workflows.LocalServices;

/// <summary>Loopback TCP ports for the server.</summary>
internal static class LoopbackPort
{
    /// <summary>Returns a port the OS considers free now (another process may still take it before the server binds).</summary>
    public static int PickFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True when nothing listens on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
