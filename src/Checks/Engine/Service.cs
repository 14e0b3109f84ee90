using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ConnCheck.Checks.Engine;

/// <summary>Helpers shared by the checks that speak a service's protocol (postgres, redis, amqp...).</summary>
public static class Service
{
    /// <summary>The check's timeout in whole seconds, for drivers that take an integer.</summary>
    public static int TimeoutSeconds(CheckContext context, int max = 1024) =>
        Math.Clamp((int)Math.Ceiling(context.Timeout.TotalSeconds), 1, max);

    /// <summary>A server that accepted the connection but never answered is most often another service.</summary>
    /// <param name="server">What was expected, with its article: "a PostgreSQL server".</param>
    public static string NoReply(string server, CheckContext context) =>
        string.Create(CultureInfo.InvariantCulture, $"timed out after {context.Timeout.TotalSeconds:0.###}s waiting for a reply (not {server}, or it is not answering)");

    public static bool IsTimeout(Exception exception) => Failures.Classify(exception) == TransportFailure.TimedOut;

    /// <summary>
    /// Like <see cref="Failures.Describe"/>, but says in words what a closed stream means: the
    /// framework's own text for it may be a bare resource key in a trimmed build.
    /// </summary>
    public static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is EndOfStreamException)
            {
                return "the server closed the connection";
            }
        }

        return Failures.Describe(exception);
    }

    /// <summary>A host starting with / is a unix socket (postgres: its directory; mysql: the file).</summary>
    public static bool IsUnixSocket(string host) => host.StartsWith('/');

    /// <summary>
    /// The tcp:host:port sub-check, then <paramref name="main"/>; just <paramref name="main"/> over a unix
    /// socket. The tcp sub-check keeps the address it connected to in <paramref name="reached"/>.
    /// </summary>
    public static Task<CheckOutcome> RunAfterTcpAsync(string host, int port, Reached reached, CheckStep main, CancellationToken cancellationToken) =>
        IsUnixSocket(host) ? Steps.RunAsync(cancellationToken, main) : Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), main);

    /// <summary>The original's step names for such a check: tcp:HOST:PORT then PREFIX:HOST:PORT; just the latter over a unix socket.</summary>
    public static IReadOnlyList<string> StepNamesAfterTcp(string prefix, string host, int port) =>
        IsUnixSocket(host) ? [$"{prefix}:{host}:{port}"] : [$"tcp:{host}:{port}", $"{prefix}:{host}:{port}"];

    /// <summary>The tcp sub-check, then an "auth" main step given the address tcp reached (databases).</summary>
    public static Task<CheckOutcome> RunAuthAfterTcpAsync(string host, int port, Func<string, CancellationToken, Task<StepResult>> auth, CancellationToken cancellationToken)
    {
        var reached = new Reached();
        return RunAfterTcpAsync(host, port, reached, new CheckStep("auth", ct => auth(reached.HostFor(host), ct), IsMain: true), cancellationToken);
    }

    /// <summary>Far-end bytes as a short printable quote for a message (<see cref="FarEndText.Quoted"/>).</summary>
    public static string Quote(ReadOnlySpan<byte> reply, int maxLength = 60) => FarEndText.Quoted(reply, maxLength);

    /// <summary>
    /// One request/reply exchange of a line-based protocol (redis, memcached): writes
    /// <paramref name="request"/> and returns the reply's first line, without its CRLF, or null when
    /// the server closed the connection without one. Reads at most <paramref name="maxLength"/> bytes.
    /// </summary>
    public static async Task<byte[]?> ExchangeLineAsync(Socket socket, byte[] request, CancellationToken cancellationToken, int maxLength = 1024)
    {
        await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[maxLength];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return length == 0 ? null : buffer[..length];
            }

            var end = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (end >= 0)
            {
                return buffer[..(end > 0 && buffer[end - 1] == '\r' ? end - 1 : end)];
            }
        }

        return buffer;
    }
}
