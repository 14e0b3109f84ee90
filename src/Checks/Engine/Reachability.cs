using System.Net;
using System.Net.Sockets;
using System.Text;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// reachable: false — the check passes only when the transport to its destination fails, and says
/// how. The protocol itself is never spoken.
/// </summary>
public static class Reachability
{
    public static async Task<CheckOutcome> ProbeAsync(Destination destination, byte[] udpProbe, CancellationToken cancellationToken)
    {
        var name = $"{destination.Protocol.Word()}:{destination}";
        var probe = destination.Protocol switch
        {
            DestinationProtocol.Udp => await ProbeUdpAsync(destination, udpProbe, cancellationToken).ConfigureAwait(false),
            DestinationProtocol.Unix => await ProbeUnixAsync(destination.Host, cancellationToken).ConfigureAwait(false),
            _ => await ProbeTcpAsync(destination, cancellationToken).ConfigureAwait(false),
        };

        // A name's address is named: the firewall rule to fix is for that address.
        var to = probe.Answered is { } address && !HostPort.IsLiteral(destination.Host) ? $" {(destination.Protocol == DestinationProtocol.Udp ? "from" : "to")} {HostPort.Address(address)}" : "";
        var step = probe.Failure is null
            ? new SubCheckResult(name, false, 0, destination.Protocol == DestinationProtocol.Udp ? $"reachable: got a reply{to}, but this path must be closed" : $"reachable: connection succeeded{to}, but this path must be closed")
            : new SubCheckResult(name, true, 0, $"unreachable as required: {probe.Failure}");
        return new CheckOutcome([step]);
    }

    /// <summary>What a probe saw: the address that answered (Failure null), or how every address failed.</summary>
    private sealed record Probe(IPAddress? Answered, string? Failure)
    {
        public static Probe Connected(IPAddress? address) => new(address, null);

        public static Probe Failed(TransportFailure failure) => new(null, Failures.Words(failure));

        // Every address failed: each is named with how it failed; one address keeps the plain words.
        public static Probe Failed(Exception exception, TransportFailure failure) =>
            new(null, exception is AddressesFailedException several ? several.Message : Failures.Words(failure));
    }

    private static async Task<Probe> ProbeTcpAsync(Destination destination, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = await Net.ConnectTcpAsync(destination.Host, destination.Port, cancellationToken).ConfigureAwait(false);
            return Probe.Connected(((IPEndPoint)socket.RemoteEndPoint!).Address);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or AddressesFailedException)
        {
            return Probe.Failed(ex, Failures.Classify(ex));
        }
    }

    private static async Task<Probe> ProbeUnixAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return Probe.Connected(null);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            // A missing socket file is as closed as a refused connection.
            var failure = Failures.Classify(ex);
            return Probe.Failed(failure == TransportFailure.Other ? TransportFailure.Refused : failure);
        }
    }

    private static async Task<Probe> ProbeUdpAsync(Destination destination, byte[] payload, CancellationToken cancellationToken)
    {
        try
        {
            var reply = await UdpExchange.FirstReplyAsync(destination.Host, destination.Port, payload, cancellationToken).ConfigureAwait(false);
            return Probe.Connected(reply.From);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or AddressesFailedException)
        {
            return Probe.Failed(ex, UdpExchange.Failure(ex));
        }
    }
}
