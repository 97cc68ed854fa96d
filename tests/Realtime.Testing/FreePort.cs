using System.Net;
using System.Net.Sockets;

namespace Realtime.Testing;

public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A loopback TCP port free at the moment of asking, and never one this process was handed
    /// before: the kernel may offer a just-released port again, and two services of one test
    /// system given the same port make the second answer for the first (a 404 from the wrong one).
    /// </summary>
    public static int Next()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
