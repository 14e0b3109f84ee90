using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// One raw DNS exchange, to tell a DNS server from something else before the resolver library
/// (which reports every failure as "timed out or is a transient error") asks the real question: a
/// refused UDP port, a peer that closes, and a reply that is not DNS (an SSH or SMTP greeting, an
/// HTTP error) each get their own words. Null means a DNS server answered.
/// </summary>
public static class DnsProbe
{
    private const int MaxReply = 4096;

    public static async Task<string?> ProblemAsync(IPAddress server, int port, bool tcp, string name, ushort type, bool recursion, CheckContext context, CancellationToken cancellationToken)
    {
        var id = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue);
        var query = Query(id, name, type, recursion);
        try
        {
            var reply = tcp ? await TcpAsync(server, port, query, cancellationToken).ConfigureAwait(false) : await UdpExchange.ReplyAsync(server, port, query, cancellationToken).ConfigureAwait(false);
            if (reply.Length == 0)
            {
                return "not a DNS server: the connection was closed without a reply";
            }

            var message = tcp && reply.Length >= 2 ? reply[2..] : reply;
            var looksDns = message.Length >= 12 && BinaryPrimitives.ReadUInt16BigEndian(message) == id && (message[2] & 0x80) != 0
                && (!tcp || BinaryPrimitives.ReadUInt16BigEndian(reply) >= 12);
            return looksDns ? null : $"not a DNS server: unexpected reply {Service.Quote(reply)}";
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return Service.NoReply("a DNS server", context);
        }
        catch (SocketException ex) when (!tcp && ex.SocketErrorCode is SocketError.ConnectionRefused or SocketError.ConnectionReset)
        {
            return $"connection refused: nothing listens on udp port {port}";
        }
        catch (Exception ex) when (tcp && Failures.Classify(ex) is TransportFailure.Reset)
        {
            return "not a DNS server: the connection was reset on a DNS query";
        }
    }

    private static async Task<byte[]> TcpAsync(IPAddress server, int port, byte[] query, CancellationToken cancellationToken)
    {
        using var socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server, port, cancellationToken).ConfigureAwait(false);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await socket.SendAsync(framed, SocketFlags.None, cancellationToken).ConfigureAwait(false);

        // Enough of the reply to judge it: its length, its header (a greeting arrives in one piece).
        var buffer = new byte[MaxReply];
        var length = 0;
        while (length < 14)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return buffer[..length];
    }

    /// <summary>A DNS query message (no TCP length prefix).</summary>
    public static byte[] Query(ushort id, string name, ushort type, bool recursion)
    {
        var message = new List<byte>(64);
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, id);
        header[2] = recursion ? (byte)0x01 : (byte)0x00;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        message.AddRange(header);
        foreach (var label in (name.All(char.IsAscii) ? name : new IdnMapping().GetAscii(name)).TrimEnd('.').Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var bytes = Encoding.ASCII.GetBytes(label);
            message.Add((byte)Math.Min(bytes.Length, 63));
            message.AddRange(bytes.Take(63));
        }

        message.Add(0);
        message.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        return [.. message];
    }
}
