using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A loopback TCP server that accepts, reads and never answers, and counts the connections its
/// clients still hold open: the far end's view of whether a client really closed its sockets.
/// </summary>
public sealed class SilentListener : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private int open;
    private int accepted;

    public SilentListener()
    {
        listener.Start(1024);
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    /// <summary>Connections the clients have not closed yet.</summary>
    public int Open => Volatile.Read(ref open);

    /// <summary>Waits until <paramref name="count"/> connections are open; false after <paramref name="limit"/>.</summary>
    public Task<bool> WaitForOpenAsync(int count, TimeSpan limit) => WaitAsync(() => Open >= count, limit);

    /// <summary>How long until the clients had closed every connection, or null if they had not within <paramref name="limit"/>.</summary>
    public async Task<TimeSpan?> TimeUntilAllClosedAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        return await WaitAsync(() => Open == 0, limit) ? watch.Elapsed : null;
    }

    private static async Task<bool> WaitAsync(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow >= until)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            Interlocked.Increment(ref accepted);
            Interlocked.Increment(ref open);
            _ = HoldAsync(client);
        }
    }

    // Reads until the client closes (end of stream or reset), then counts the connection as closed.
    private async Task HoldAsync(Socket client)
    {
        var buffer = new byte[4096];
        try
        {
            while (await client.ReceiveAsync(buffer, SocketFlags.None, stop.Token) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            Interlocked.Decrement(ref open);
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
