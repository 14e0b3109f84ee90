using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A real TLS server on loopback (SslStream over TcpListener) presenting one certificate. It records
/// the SNI name each client sent and how many handshakes completed.
/// </summary>
public sealed class TlsTestServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly X509Certificate2 certificate;
    private readonly ConcurrentQueue<string> serverNames = new();
    private int handshakes;

    public TlsTestServer(X509Certificate2 certificate)
    {
        this.certificate = certificate;
        listener.Start();
        _ = AcceptLoopAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>The SNI host name of each client hello ("" when the client sent none).</summary>
    public IReadOnlyCollection<string> ServerNames => serverNames;

    public int Handshakes => Volatile.Read(ref handshakes);

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

            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
        limit.CancelAfter(TimeSpan.FromSeconds(20));
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        try
        {
            var options = new SslServerAuthenticationOptions
            {
                ServerCertificateSelectionCallback = (_, name) =>
                {
                    serverNames.Enqueue(name ?? "");
                    return certificate;
                },
            };
            await ssl.AuthenticateAsServerAsync(options, limit.Token);
            Interlocked.Increment(ref handshakes);

            // Hold the session until the client closes it.
            var buffer = new byte[1024];
            while (await ssl.ReadAsync(buffer, limit.Token) > 0)
            {
            }
        }
        catch (Exception)
        {
            // Clients that reject the certificate abort the handshake; that is the point of most tests.
        }
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        stop.Dispose();
    }
}
