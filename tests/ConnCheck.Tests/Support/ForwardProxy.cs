using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A small real forward proxy on loopback: CONNECT tunnels (https) and absolute-URI requests (http),
/// one request per connection. It records every request line it receives, so tests can prove a check
/// went through it, and only ever connects onwards to loopback. With credentials it demands
/// Proxy-Authorization: Basic, answering 407 otherwise.
/// </summary>
public sealed class ForwardProxy : IDisposable
{
    private const int MaxHead = 32 * 1024;

    private readonly ScriptedTcpServer server;
    private readonly ConcurrentQueue<string> requestLines = new();
    private readonly string? expectedAuthorization;
    private int challenged;

    public ForwardProxy(string? user = null, string? password = null)
    {
        if (user is not null)
        {
            expectedAuthorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        }

        server = new ScriptedTcpServer(HandleAsync);
    }

    public int Port => server.Port;

    /// <summary>Connections accepted, whatever they asked for.</summary>
    public int Accepted => server.Accepted;

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Request lines of the requests it forwarded or tunnelled ("CONNECT 127.0.0.1:4433 HTTP/1.1").</summary>
    public IReadOnlyCollection<string> RequestLines => requestLines;

    /// <summary>Requests refused with 407 for lack of (right) credentials.</summary>
    public int Challenged => Volatile.Read(ref challenged);

    private async Task HandleAsync(NetworkStream client, CancellationToken ct)
    {
        // Clients and origins hanging up mid-stream are normal for a proxy; the script runner absorbs that.
        var (head, rest) = await ReadHeadAsync(client, ct);
        if (head is null)
        {
            return;
        }

        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3)
        {
            await ReplyAsync(client, "400 Bad Request", ct);
            return;
        }

        var headers = lines.Skip(1).Where(l => l.Contains(':', StringComparison.Ordinal)).Select(l => (Name: l[..l.IndexOf(':', StringComparison.Ordinal)].Trim(), Value: l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())).ToList();
        if (expectedAuthorization is not null && headers.FirstOrDefault(h => h.Name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase)).Value != expectedAuthorization)
        {
            Interlocked.Increment(ref challenged);
            await ReplyAsync(client, "407 Proxy Authentication Required", ct, "Proxy-Authenticate: Basic realm=\"test-proxy\"\r\n");
            return;
        }

        requestLines.Enqueue(lines[0]);
        var (method, target) = (parts[0], parts[1]);
        if (method == "CONNECT")
        {
            var colon = target.LastIndexOf(':');
            using var upstream = await ConnectLoopbackAsync(target[..colon], int.Parse(target[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), ct);
            if (upstream is null)
            {
                await ReplyAsync(client, "502 Bad Gateway", ct);
                return;
            }

            await using var server = new NetworkStream(upstream, ownsSocket: false);
            await client.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), ct);
            await server.WriteAsync(rest, ct);
            await Task.WhenAny(client.CopyToAsync(server, ct), server.CopyToAsync(client, ct));
            return;
        }

        if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme != "http")
        {
            await ReplyAsync(client, "400 Bad Request", ct);
            return;
        }

        using var origin = await ConnectLoopbackAsync(uri.Host, uri.Port, ct);
        if (origin is null)
        {
            await ReplyAsync(client, "502 Bad Gateway", ct);
            return;
        }

        await using var originStream = new NetworkStream(origin, ownsSocket: false);
        var forwarded = new StringBuilder($"{method} {uri.PathAndQuery} {parts[2]}\r\n");
        foreach (var (name, value) in headers.Where(h => !h.Name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) && !h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase) && !h.Name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase)))
        {
            forwarded.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        forwarded.Append("Connection: close\r\n\r\n");
        await originStream.WriteAsync(Encoding.ASCII.GetBytes(forwarded.ToString()), ct);
        await originStream.WriteAsync(rest, ct);
        _ = client.CopyToAsync(originStream, ct);
        await originStream.CopyToAsync(client, ct);
    }

    private static async Task<Socket?> ConnectLoopbackAsync(string host, int port, CancellationToken ct)
    {
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed : null;
        if (address is null || !IPAddress.IsLoopback(address))
        {
            return null;
        }

        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), ct);
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    private static async Task<(string? Head, byte[] Remainder)> ReadHeadAsync(NetworkStream stream, CancellationToken ct)
    {
        var buffer = new byte[MaxHead];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(filled), ct);
            if (n == 0)
            {
                return (null, []);
            }

            filled += n;
            var end = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (Encoding.ASCII.GetString(buffer, 0, end), buffer[(end + 4)..filled]);
            }
        }

        return (null, []);
    }

    private static Task ReplyAsync(NetworkStream client, string status, CancellationToken ct, string extraHeaders = "") =>
        client.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n{extraHeaders}Content-Length: 0\r\nConnection: close\r\n\r\n"), ct).AsTask();

    public void Dispose() => server.Dispose();
}
