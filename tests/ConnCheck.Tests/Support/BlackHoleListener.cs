using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A loopback port that silently drops new connections, like a firewall DROP rule: a listener
/// that never accepts, with its accept queue already full, so the kernel ignores further SYNs.
/// </summary>
public sealed class BlackHoleListener : IDisposable
{
    private readonly Socket listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly List<Socket> fillers = [];

    public BlackHoleListener()
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        for (var i = 0; i < 3; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                filler.Connect(listener.LocalEndPoint!);
            }
            catch (SocketException)
            {
                // In progress (or dropped): either way it holds a place in the queue.
            }

            fillers.Add(filler);
        }

        Thread.Sleep(200);
    }

    public int Port => ((IPEndPoint)listener.LocalEndPoint!).Port;

    public void Dispose()
    {
        fillers.ForEach(f => f.Dispose());
        listener.Dispose();
    }
}
