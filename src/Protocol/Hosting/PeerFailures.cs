using System.Net.Sockets;
using System.Security.Authentication;
using ConnCheck.Checks.Engine;

namespace ConnCheck.Protocol.Hosting;

/// <summary>How an association with a remote peer (agent, seed, coordinator) failed.</summary>
public enum PeerFailure
{
    Refused,
    Reset,
    NoRoute,
    TimedOut,

    /// <summary>The peer closed the connection at once: without TLS, often a peer that requires it.</summary>
    ClosedAtOnce,

    /// <summary>The TLS handshake failed, or the peer dropped us right after it (certificate refused).</summary>
    TlsFailed,
    Other,
}

/// <summary>
/// Classifies Akka's association failures. The socket error is used when the cause carries one;
/// Akka's transport often passes only text, so its known phrases are the fallback, in this one place.
/// </summary>
public static class PeerFailures
{
    public static PeerFailure Classify(Exception? cause, bool secure)
    {
        for (var e = cause; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AuthenticationException when secure:
                    return PeerFailure.TlsFailed;
                case SocketException socket when Failures.Classify(socket.SocketErrorCode) is var transport && transport != TransportFailure.Other:
                    return transport switch
                    {
                        TransportFailure.Refused => PeerFailure.Refused,
                        TransportFailure.Reset => PeerFailure.Reset,
                        TransportFailure.TimedOut => PeerFailure.TimedOut,
                        _ => PeerFailure.NoRoute,
                    };
            }
        }

        var text = Text(cause);
        return secure && (Has(text, "Channel is closed", StringComparison.Ordinal) || Has(text, "TLS", StringComparison.Ordinal)
                || Has(text, "certificate") || Has(text, "explicitly disassociated", StringComparison.Ordinal)) ? PeerFailure.TlsFailed
            : !secure && Has(text, "explicitly disassociated", StringComparison.Ordinal) ? PeerFailure.ClosedAtOnce
            : Has(text, "timed out") ? PeerFailure.TimedOut
            : Has(text, "refused") ? PeerFailure.Refused
            : Has(text, "reset") ? PeerFailure.Reset
            : Has(text, "unreachable") || Has(text, "no route") ? PeerFailure.NoRoute
            : PeerFailure.Other;
    }

    /// <summary>Words for a transport failure, or null when the failure is not one (the caller words it).</summary>
    public static string? TransportWords(PeerFailure failure) => failure switch
    {
        PeerFailure.Refused => "connection refused",
        PeerFailure.Reset => "connection reset",
        PeerFailure.NoRoute => "no route to host",
        _ => null,
    };

    /// <summary>The cause's own text in one line, without Akka's stack.</summary>
    public static string OneLine(Exception? cause, string fallback) => Failures.OneLine(cause?.GetBaseException().Message ?? fallback, 200);

    private static string Text(Exception? cause) => cause?.GetBaseException().Message ?? "";

    private static bool Has(string text, string phrase, StringComparison comparison = StringComparison.OrdinalIgnoreCase) => text.Contains(phrase, comparison);
}
