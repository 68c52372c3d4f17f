using System.Net;
using System.Net.Sockets;

namespace AspireCache.IntegrationTests;

/// <summary>Finds a port that nothing listens on, for the processes a test starts by hand.</summary>
internal static class FreePort
{
    /// <summary>
    /// A port free for both TCP and UDP on <paramref name="address"/>, as the operating system hands out
    /// (its ephemeral range, so never one of the AppHost's fixed ports).
    /// </summary>
    /// <remarks>
    /// The port is released before the caller's process binds it; another process could take it in
    /// between, which on a test machine is rare enough that a failed bind is simply a failed run.
    /// Both protocols are checked because DNS answers over UDP and TCP on the same port.
    /// </remarks>
    public static int On(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var tcp = new TcpListener(address, 0);
            tcp.Start();
            int port = ((IPEndPoint)tcp.LocalEndpoint).Port;
            try
            {
                using var udp = new UdpClient(new IPEndPoint(address, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken for UDP by someone else: try another.
            }
            finally
            {
                tcp.Stop();
            }
        }

        throw new InvalidOperationException($"No port free for both TCP and UDP on {address} in 20 attempts.");
    }
}
