using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Tests.Support;

/// <summary>Real loopback sockets for checks to hit.</summary>
public static class Loopback
{
    /// <summary>A port that nothing listens on (bound then released).</summary>
    public static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

/// <summary>A TCP listener that accepts and holds connections until disposed.</summary>
public sealed class AcceptingListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<Socket> accepted = [];
    private int acceptedCount;

    public AcceptingListener(int backlog = 4096)
    {
        listener.Start(backlog);
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int AcceptedCount => Volatile.Read(ref acceptedCount);

    /// <summary>
    /// The accepted count once it reaches <paramref name="atLeast"/> (or after 2 s): a client's connect
    /// completes in the kernel before this listener's accept loop has counted it.
    /// </summary>
    public async Task<int> AcceptedAsync(int atLeast)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (AcceptedCount < atLeast && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        return AcceptedCount;
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var socket = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref acceptedCount);
                lock (accepted)
                {
                    accepted.Add(socket);
                }
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
            }
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        lock (accepted)
        {
            accepted.ForEach(s => s.Dispose());
        }

        stop.Dispose();
    }
}
