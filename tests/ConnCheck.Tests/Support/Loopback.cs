using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Tests.Support;

/// <summary>Real loopback sockets for checks to hit.</summary>
public static class Loopback
{
    // Handed-out ports sit below the kernel's ephemeral range (ip_local_port_range starts at 32768
    // by default), so no port-0 listener elsewhere in the parallel test run can take one while a
    // test relies on it staying closed; the counter keeps two callers from getting the same one.
    private const int FirstPort = 20000;
    private const int PortCount = 12000;
    private static int next = Random.Shared.Next(PortCount);

    /// <summary>
    /// A free loopback port, different on every call, that no other test will open by chance: for a
    /// port that must stay closed, or for a process to bind (agents).
    /// </summary>
    public static int ClosedPort()
    {
        for (var attempt = 0; attempt < PortCount; attempt++)
        {
            var port = FirstPort + (int)((uint)Interlocked.Increment(ref next) % PortCount);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken by something outside the tests: try the next one.
            }
        }

        throw new InvalidOperationException($"no free loopback port in {FirstPort}-{FirstPort + PortCount - 1}");
    }

    /// <summary>
    /// A started listener on a free loopback port (<paramref name="address"/> ::1 for IPv6): the kernel
    /// completes connections to it without an accept, which is all a tcp check needs of an open port.
    /// </summary>
    public static TcpListener Listening(IPAddress? address = null)
    {
        var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    public static int Port(this TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;
}

/// <summary>A TCP listener that accepts and holds connections until disposed.</summary>
public sealed class AcceptingListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly List<Socket> accepted = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, TaskCompletionSource> sentinels = new();
    private int acceptedCount;

    public AcceptingListener(int backlog = 4096)
    {
        listener.Start(backlog);
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far, sentinels not counted; it lags the kernel (see <see cref="SettledCountAsync"/>).</summary>
    public int AcceptedCount => Volatile.Read(ref acceptedCount);

    /// <summary>
    /// The count of every connection that completed before this call: it makes a sentinel connection
    /// of its own and waits until the accept loop has taken it. The kernel queues completed
    /// connections in order, so once the sentinel is accepted every earlier one has been counted;
    /// "nothing connected" is then <c>Assert.Equal(0, await listener.SettledCountAsync())</c>, with no
    /// window in which a late accept hides a connection.
    /// </summary>
    public async Task<int> SettledCountAsync()
    {
        using var sentinel = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sentinel.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var localPort = ((IPEndPoint)sentinel.LocalEndPoint!).Port;
        sentinels[localPort] = seen;
        await sentinel.ConnectAsync(IPAddress.Loopback, Port);
        await seen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        sentinels.TryRemove(localPort, out _);
        return AcceptedCount;
    }

    /// <summary>
    /// The accepted count once it reaches <paramref name="atLeast"/> (or after 5 s): a client's connect
    /// completes in the kernel before this listener's accept loop has counted it, and on a loaded CI
    /// machine the loop may wait a while for a thread.
    /// </summary>
    public async Task<int> AcceptedAsync(int atLeast)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
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
                if (socket.RemoteEndPoint is IPEndPoint from && sentinels.TryGetValue(from.Port, out var sentinel))
                {
                    socket.Dispose();
                    sentinel.TrySetResult();
                    continue;
                }

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
