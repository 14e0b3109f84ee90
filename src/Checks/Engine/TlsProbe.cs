using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// The TLS handshake every TLS-bearing check performs (tls, https, amqp and smtp with TLS), and the
/// words its failures are reported in.
/// </summary>
public static class TlsProbe
{
    /// <summary>
    /// A tls:host:port step: connect (to the address the tcp sub-check reached, when given), handshake
    /// with SNI, validate against the host name, close.
    /// </summary>
    public static CheckStep Step(string host, int port, CheckContext context, bool verify, Reached? reached = null) =>
        new($"tls:{HostPort.Format(host, port)}", ct => HandshakeAsync(host, port, reached ?? new Reached(), context.Tls, verify, ct));

    public static async Task<StepResult> HandshakeAsync(string host, int port, Reached reached, TlsSettings settings, bool verify, CancellationToken cancellationToken)
    {
        var socket = await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false);
        var (stream, result) = await AuthenticateAsync(new NetworkStream(socket, ownsSocket: true), host, settings, verify, cancellationToken).ConfigureAwait(false);
        if (stream is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Runs the client handshake over <paramref name="transport"/> (which it takes over). On success the
    /// caller owns the returned stream; on failure the stream is null and the transport is disposed.
    /// </summary>
    public static async Task<(SslStream? Stream, StepResult Result)> AuthenticateAsync(Stream transport, string host, TlsSettings settings, bool verify, CancellationToken cancellationToken)
    {
        var observed = new ObservingStream(transport);
        var validator = new TlsValidator(host, settings, verify);
        var ssl = new SslStream(observed, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(validator.ClientOptions(), cancellationToken).ConfigureAwait(false);
            return (ssl, new StepResult(true, null, validator.NotAfter));
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or SocketException or OperationCanceledException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            return (null, new StepResult(false, Describe(ex, validator, observed), validator.NotAfter));
        }
    }

    /// <summary>Why a handshake failed, in the words the tls check reports.</summary>
    /// <param name="observed">The transport as seen below TLS, when the caller has it: tells "not TLS" apart.</param>
    public static string Describe(Exception exception, TlsValidator validator, ObservingStream? observed = null)
    {
        if (validator.Failure is { } rejected)
        {
            return rejected;
        }

        var timedOut = Failures.Classify(exception) == TransportFailure.TimedOut;
        if (observed is not null)
        {
            if (observed.BytesRead == 0)
            {
                return timedOut
                    ? "not TLS: the server did not answer the handshake (no reply before the timeout)"
                    : "not TLS: the server did not answer the handshake (it closed the connection)";
            }

            // Every TLS record from a server starts with a handshake (22) or alert (21) content type.
            if (observed.FirstBytes[0] is not (22 or 21))
            {
                return $"not TLS: the server did not answer the handshake (it sent \"{FarEndText.Printable(observed.FirstBytes)}\")";
            }
        }

        if (timedOut)
        {
            return "TLS handshake timed out";
        }

        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return $"TLS handshake failed: {Failures.OneLine(innermost.Message, 200)}";
    }
}
