using System.Net.Sockets;
using System.Security.Authentication;

namespace ConnCheck.Checks.Engine;

/// <summary>How a transport connection failed; the words reachable: false results report.</summary>
public enum TransportFailure
{
    None,
    Refused,
    TimedOut,
    NoRoute,
    DnsFailed,
    Reset,
    Other,
}

/// <summary>Turns exceptions from sockets and drivers into the short reasons a report shows.</summary>
public static class Failures
{
    public static string Describe(Exception exception)
    {
        if (exception is AddressesFailedException several)
        {
            return several.Message;
        }

        var transport = Classify(exception);
        if (transport != TransportFailure.Other)
        {
            return Words(transport);
        }

        var innermost = exception;
        while (innermost.InnerException is not null && innermost is not AuthenticationException)
        {
            innermost = innermost.InnerException;
        }

        return OneLine(innermost.Message);
    }

    /// <summary>
    /// The failure a step reports for <paramref name="exception"/>: what <see cref="Describe"/> names in
    /// plain words, or Other when its words are the far end's or list several addresses.
    /// </summary>
    public static TransportFailure OfStep(Exception exception) =>
        exception is AddressesFailedException ? TransportFailure.Other : Classify(exception);

    public static TransportFailure Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AddressesFailedException several:
                    return several.Failure;
                case SocketException socket:
                    return Classify(socket.SocketErrorCode);
                case TimeoutException or OperationCanceledException:
                    return TransportFailure.TimedOut;
            }
        }

        return TransportFailure.Other;
    }

    public static TransportFailure Classify(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => TransportFailure.Refused,
        SocketError.TimedOut => TransportFailure.TimedOut,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.NetworkDown or SocketError.HostDown => TransportFailure.NoRoute,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain or SocketError.NoRecovery => TransportFailure.DnsFailed,
        SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => TransportFailure.Reset,
        _ => TransportFailure.Other,
    };

    public static string Words(TransportFailure failure) => failure switch
    {
        TransportFailure.Refused => "connection refused",
        TransportFailure.TimedOut => "timed out",
        TransportFailure.NoRoute => "no route to host",
        TransportFailure.DnsFailed => "dns failed: name not resolved",
        TransportFailure.Reset => "connection reset by peer",
        TransportFailure.None => "connected",
        _ => "failed",
    };

    /// <summary>Far-end text in one line, without the characters that break the Nagios format.</summary>
    public static string OneLine(string text, int maxLength = 400)
    {
        var cleaned = new string(text.Select(c => c is '|' ? '/' : char.IsControl(c) ? ' ' : c).ToArray());
        cleaned = string.Join(' ', cleaned.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return cleaned.Length <= maxLength ? cleaned : cleaned[..maxLength] + "...";
    }
}
