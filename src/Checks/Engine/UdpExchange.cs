using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// One datagram out, the first datagram back, on a connected socket: it accepts replies only from
/// the peer, and an ICMP port-unreachable surfaces as an error instead of silence. The udp check,
/// dns over udp and reachable: false probes all speak through it.
/// </summary>
public static class UdpExchange
{
    // Large enough for any datagram; a reply cannot be longer.
    private const int MaxDatagram = 64 * 1024;

    public sealed record Reply(IPAddress From, byte[] Data);

    /// <summary>Each address of <paramref name="host"/> in resolver order until one answers; any reply settles it.</summary>
    public static async Task<Reply> FirstReplyAsync(string host, int port, byte[] send, CancellationToken cancellationToken)
    {
        var addresses = await Net.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        return await Net.FirstAsync(addresses, async (address, ct) => new Reply(address, await ReplyAsync(address, port, send, ct).ConfigureAwait(false)), static _ => { }, cancellationToken).ConfigureAwait(false);
    }

    public static async Task<byte[]> ReplyAsync(IPAddress address, int port, byte[] send, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(address, port, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(send, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxDatagram];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return buffer[..received];
    }

    /// <summary>How an exchange failed: an ICMP port-unreachable is refused (Linux) or a reset (Windows), both refused.</summary>
    public static TransportFailure Failure(Exception exception) =>
        Failures.Classify(exception) is TransportFailure.Reset ? TransportFailure.Refused : Failures.Classify(exception);
}
