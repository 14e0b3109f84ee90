using System.Collections.Concurrent;
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
    private readonly X509Certificate2 certificate;
    private readonly ConcurrentQueue<string> serverNames = new();
    private readonly ScriptedTcpServer server;
    private int handshakes;

    public TlsTestServer(X509Certificate2 certificate)
    {
        this.certificate = certificate;
        server = new ScriptedTcpServer(ServeAsync);
    }

    public int Port => server.Port;

    /// <summary>The SNI host name of each client hello ("" when the client sent none).</summary>
    public IReadOnlyCollection<string> ServerNames => serverNames;

    public int Handshakes => Volatile.Read(ref handshakes);

    private async Task ServeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateSelectionCallback = (_, name) =>
            {
                serverNames.Enqueue(name ?? "");
                return certificate;
            },
        };

        // Clients that reject the certificate abort the handshake (an exception the script runner absorbs).
        await ssl.AuthenticateAsServerAsync(options, cancellationToken);
        Interlocked.Increment(ref handshakes);

        // Hold the session until the client closes it.
        var buffer = new byte[1024];
        while (await ssl.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    public void Dispose() => server.Dispose();
}
