using System.Net.Sockets;
using System.Text;
using ConnCheck.Protocol;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// reachable: false — the check passes only when the transport to its destination fails, and says
/// how. The protocol itself is never spoken.
/// </summary>
public static class Reachability
{
    public static async Task<CheckOutcome> ProbeAsync(Destination destination, CheckFields fields, CancellationToken cancellationToken)
    {
        var name = $"{destination.Protocol}:{destination}";
        var failure = destination.Protocol switch
        {
            "udp" => await ProbeUdpAsync(destination, fields.OptionalString("send") ?? "", cancellationToken).ConfigureAwait(false),
            "unix" => await ProbeUnixAsync(destination.Host, cancellationToken).ConfigureAwait(false),
            _ => await ProbeTcpAsync(destination, cancellationToken).ConfigureAwait(false),
        };

        var step = failure == TransportFailure.None
            ? new SubCheckResult(name, false, 0, destination.Protocol == "udp" ? "reachable: got a reply, but this path must be closed" : "reachable: connection succeeded, but this path must be closed")
            : new SubCheckResult(name, true, 0, $"unreachable as required: {Failures.Words(failure)}");
        return new CheckOutcome([step]);
    }

    private static async Task<TransportFailure> ProbeTcpAsync(Destination destination, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await Net.ConnectTcpAsync(destination.Host, destination.Port, cancellationToken).ConfigureAwait(false);
            return TransportFailure.None;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return Failures.Classify(ex);
        }
    }

    private static async Task<TransportFailure> ProbeUnixAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return TransportFailure.None;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // A missing socket file is as closed as a refused connection.
            var failure = Failures.Classify(ex);
            return failure == TransportFailure.Other ? TransportFailure.Refused : failure;
        }
    }

    private static async Task<TransportFailure> ProbeUdpAsync(Destination destination, string send, CancellationToken cancellationToken)
    {
        try
        {
            var addresses = await Net.ResolveAsync(destination.Host, cancellationToken).ConfigureAwait(false);
            using var socket = new Socket(addresses[0].AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(addresses[0], destination.Port, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(Encoding.UTF8.GetBytes(send), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[2048];
            await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            return TransportFailure.None;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // An ICMP port-unreachable surfaces as a reset on a connected UDP socket.
            return Failures.Classify(ex) is TransportFailure.Reset ? TransportFailure.Refused : Failures.Classify(ex);
        }
    }
}
