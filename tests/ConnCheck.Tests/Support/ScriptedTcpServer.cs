using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A TCP server on loopback that runs <c>session</c> for every accepted connection: for servers that
/// must misbehave in a precise way (send a banner, stall half-way through a handshake...).
/// </summary>
public sealed class ScriptedTcpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Func<NetworkStream, CancellationToken, Task> session;
    private int accepted;

    public ScriptedTcpServer(Func<NetworkStream, CancellationToken, Task> session)
    {
        this.session = session;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public int Accepted => Volatile.Read(ref accepted);

    /// <summary>Sends <paramref name="banner"/> as soon as a client connects, then waits for it to leave.</summary>
    public static ScriptedTcpServer Banner(string banner) => new(async (stream, ct) =>
    {
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(banner), ct);
        await DrainAsync(stream, ct);
    });

    /// <summary>Reads until the client closes the connection (or the session is stopped).</summary>
    public static async Task DrainAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stop.Token);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            Interlocked.Increment(ref accepted);
            _ = RunAsync(socket);
        }
    }

    private async Task RunAsync(Socket socket)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await session(stream, limit.Token);
        }
        catch (Exception)
        {
            // The client going away mid-script is expected.
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
