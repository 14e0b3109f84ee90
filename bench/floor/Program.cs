using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

// Usage: conn-check-floor HOST PORTS COUNT CONCURRENCY
//   PORTS: comma-separated ports, used round-robin. Connects COUNT times, at most CONCURRENCY at once,
//   closes each connection at once, and prints "ok=N failed=N elapsed_ms=N" (elapsed excludes runtime start).
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: conn-check-floor HOST PORTS COUNT CONCURRENCY");
    return 2;
}

var address = IPAddress.Parse(args[0]);
var ports = args[1].Split(',').Select(int.Parse).ToArray();
var count = int.Parse(args[2]);
var slots = new SemaphoreSlim(int.Parse(args[3]));
var ok = 0;
var failed = 0;
var watch = Stopwatch.StartNew();
var tasks = new Task[count];
for (var i = 0; i < count; i++)
{
    var endpoint = new IPEndPoint(address, ports[i % ports.Length]);
    await slots.WaitAsync();
    tasks[i] = ConnectAsync(endpoint);
}

await Task.WhenAll(tasks);
Console.WriteLine($"ok={ok} failed={failed} elapsed_ms={watch.ElapsedMilliseconds}");
return failed == 0 ? 0 : 1;

async Task ConnectAsync(IPEndPoint endpoint)
{
    try
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint);
        Interlocked.Increment(ref ok);
    }
    catch (SocketException)
    {
        Interlocked.Increment(ref failed);
    }
    finally
    {
        slots.Release();
    }
}
