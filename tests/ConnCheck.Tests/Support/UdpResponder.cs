using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A UDP peer on loopback: records every datagram and answers with what <c>reply</c> returns for it
/// (no answer when it returns null), <c>repeat</c> times (a flood when large).
/// </summary>
public sealed class UdpResponder : IDisposable
{
    private readonly Socket socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource stop = new();
    private readonly Func<byte[], byte[]?> reply;
    private readonly ConcurrentQueue<byte[]> received = new();
    private readonly int repeat;

    public UdpResponder(Func<byte[], byte[]?> reply, int repeat = 1)
    {
        this.reply = reply;
        this.repeat = repeat;
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _ = ReceiveLoopAsync();
    }

    public int Port => ((IPEndPoint)socket.LocalEndPoint!).Port;

    public IReadOnlyCollection<byte[]> Received => received;

    /// <summary>A UDP port nothing listens on: datagrams to it draw an ICMP port-unreachable.</summary>
    public static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var result = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                var datagram = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
                received.Enqueue(datagram);
                if (reply(datagram) is { } answer)
                {
                    for (var i = 0; i < repeat; i++)
                    {
                        await socket.SendToAsync(answer, SocketFlags.None, result.RemoteEndPoint, stop.Token);
                    }
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                // A client that went away before the reply (ICMP unreachable) must not stop the responder.
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        socket.Dispose();
        stop.Dispose();
    }
}
