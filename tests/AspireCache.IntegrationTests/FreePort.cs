using System.Net;
using System.Net.Sockets;

namespace AspireCache.IntegrationTests;

/// <summary>Finds a port that nothing listens on, for the processes a test starts by hand.</summary>
internal static class FreePort
{
    // Below Linux's ephemeral range (32768–60999 by default), where the operating system hands out the
    // client ports of the test's own connections: a port from there, released and bound again later (dnsmasq
    // restarts on its port), could meanwhile be taken by one of them. Above the AppHost's fixed ports.
    private const int First = 21000;
    private const int Last = 32000;

    /// <summary>A port free for both TCP and UDP on <paramref name="address"/>, outside the ephemeral range.</summary>
    /// <remarks>
    /// The port is released before the caller's process binds it; another process could take it in
    /// between, which outside the ephemeral range and on a test machine is rare enough that a failed bind is
    /// simply a failed run. Both protocols are checked because DNS answers over UDP and TCP on the same port.
    /// </remarks>
    public static int On(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        for (int attempt = 0; attempt < 50; attempt++)
        {
            int port = Random.Shared.Next(First, Last);
            try
            {
                var tcp = new TcpListener(address, port);
                tcp.Start();
                try
                {
                    using var udp = new UdpClient(new IPEndPoint(address, port));
                    return port;
                }
                finally
                {
                    tcp.Stop();
                }
            }
            catch (SocketException)
            {
                // Taken, for TCP or for UDP: try another.
            }
        }

        throw new InvalidOperationException($"No port in {First}-{Last} free for both TCP and UDP on {address} in 50 attempts.");
    }
}
