using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ConnCheck.Demo;

/// <summary>The small real services the demo checks: a TCP listener, an HTTP server and a UDP echo, all on 127.0.0.1.</summary>
public sealed class Targets : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly TcpListener tcp = new(IPAddress.Loopback, 0);
    private readonly UdpClient udp = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly HttpListener http = new();
    private readonly List<Task> loops = [];

    public int TcpPort { get; private set; }

    public int UdpPort { get; private set; }

    public int HttpPort { get; private set; }

    public void Start()
    {
        tcp.Start();
        TcpPort = ((IPEndPoint)tcp.LocalEndpoint).Port;
        UdpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        HttpPort = FreePort.Next();
        http.Prefixes.Add($"http://127.0.0.1:{HttpPort}/");
        http.Start();
        loops.Add(AcceptTcpAsync(stop.Token));
        loops.Add(EchoUdpAsync(stop.Token));
        loops.Add(ServeHttpAsync(stop.Token));
    }

    private async Task AcceptTcpAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            using var client = await tcp.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EchoUdpAsync(CancellationToken cancellationToken)
    {
        var pong = Encoding.ASCII.GetBytes("pong");
        while (!cancellationToken.IsCancellationRequested)
        {
            var datagram = await udp.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (Encoding.ASCII.GetString(datagram.Buffer) == "ping")
            {
                await udp.SendAsync(pong, datagram.RemoteEndPoint, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task ServeHttpAsync(CancellationToken cancellationToken)
    {
        var ok = Encoding.ASCII.GetBytes("ok\n");
        while (!cancellationToken.IsCancellationRequested)
        {
            var context = await http.GetContextAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            context.Response.StatusCode = context.Request.Url?.AbsolutePath == "/health" ? 200 : 404;
            await context.Response.OutputStream.WriteAsync(ok, cancellationToken).ConfigureAwait(false);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        tcp.Stop();
        udp.Dispose();
        http.Close();
        foreach (var loop in loops)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException or HttpListenerException)
            {
                // Stopped on purpose.
            }
        }

        stop.Dispose();
    }
}

/// <summary>Ports nothing listens on (yet): for agents, the HTTP server, and the paths that must fail.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
