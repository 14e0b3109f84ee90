namespace ConnCheck.Tests.Support;

/// <summary>
/// A loopback server that reads a client's first request and never answers: a protocol check
/// (redis, memcache...) against it holds its connection until its timeout or cancellation.
/// Counts the connections it holds and those the client closed, so tests wait on those events
/// instead of sleeping. A client that connects and closes without sending (a check's tcp step) is ignored.
/// </summary>
public sealed class SilentServer : IDisposable
{
    private readonly ScriptedTcpServer server;
    private int held;
    private int closed;

    public SilentServer()
    {
        server = new ScriptedTcpServer(async (stream, ct) =>
        {
            if (await stream.ReadAsync(new byte[1024], ct) == 0)
            {
                return;
            }

            Interlocked.Increment(ref held);
            try
            {
                await ScriptedTcpServer.DrainAsync(stream, ct);
            }
            catch (IOException)
            {
                // Reset by the client: gone as well.
            }

            if (!ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref closed);
            }
        });
    }

    public int Port => server.Port;

    public int Held => Volatile.Read(ref held);

    public int Closed => Volatile.Read(ref closed);

    /// <summary>Waits until <paramref name="count"/> connections are held (sent a request), or fails after <paramref name="limit"/>.</summary>
    public Task HeldAsync(int count, TimeSpan limit) => WaitAsync(() => Held >= count, limit, $"{count} held connection(s), saw {Held}");

    /// <summary>Waits until the clients closed <paramref name="count"/> held connections, or fails after <paramref name="limit"/>.</summary>
    public Task ClosedAsync(int count, TimeSpan limit) => WaitAsync(() => Closed >= count, limit, $"{count} connection(s) closed by the client, saw {Closed}");

    private static async Task WaitAsync(Func<bool> done, TimeSpan limit, string what)
    {
        var until = DateTime.UtcNow + limit;
        while (!done())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"expected {what} within {limit.TotalSeconds:0.#} s");
            }

            await Task.Delay(10);
        }
    }

    public void Dispose() => server.Dispose();
}
