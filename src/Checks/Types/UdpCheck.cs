using System.Net;
using System.Net.Sockets;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record UdpOptions : HostPortOptions
{
    public string Send { get; init; } = "";

    public string Expect { get; init; } = "";
}

/// <summary>udp: sending <c>send</c> gets back a datagram that contains <c>expect</c>.</summary>
public sealed class UdpCheck : HostPortCheck<UdpOptions>
{
    // Large enough for any reply a UDP service sends to a probe; the rest of a datagram is dropped.
    private const int MaxDatagram = 64 * 1024;

    public override string Name => "udp";

    public override IReadOnlyList<FieldSpec> Fields { get; } =
    [
        FieldSpec.Host,
        FieldSpec.Port(required: true),
        new("send", FieldKind.String, Required: true),
        new("expect", FieldKind.String, Required: true),
    ];

    protected override string Protocol => "udp";

    public override UdpOptions Parse(CheckFields fields) => base.Parse(fields) with { Send = fields.String("send", ""), Expect = fields.String("expect", "") };

    public override byte[] UdpProbe(UdpOptions options) => Encoding.UTF8.GetBytes(options.Send);

    public override Task<CheckOutcome> RunAsync(UdpOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var send = Encoding.UTF8.GetBytes(options.Send);
        var expect = Encoding.UTF8.GetBytes(options.Expect);
        return Steps.RunAsync(cancellationToken, new CheckStep($"udp:{HostPort.Format(host, port)}", ct => ExchangeAsync(host, port, send, expect, ct)));
    }

    private static async Task<StepResult> ExchangeAsync(string host, int port, byte[] send, byte[] expect, CancellationToken cancellationToken)
    {
        var addresses = await Net.ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        Reply reply;
        try
        {
            // Each address in resolver order until one answers; a reply of any kind settles it.
            reply = await Net.FirstAsync(addresses, (address, ct) => ReplyAsync(address, port, send, ct), static _ => { }, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset)
        {
            // Windows reports ICMP port-unreachable as a reset; Linux as refused.
            return StepResult.Fail(Failures.Words(TransportFailure.Refused));
        }

        var from = HostPort.IsLiteral(host) ? "" : $" from {HostPort.Address(reply.From)}";
        return reply.Data.AsSpan().IndexOf(expect) >= 0
            ? StepResult.Ok(from.Length == 0 ? null : "reply" + from)
            : StepResult.Fail($"unexpected UDP reply{from}: \"{FarEndText.Printable(reply.Data)}\"");
    }

    private sealed record Reply(IPAddress From, byte[] Data);

    private static async Task<Reply> ReplyAsync(IPAddress address, int port, byte[] send, CancellationToken cancellationToken)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);

        // A connected socket only accepts datagrams from the peer and surfaces ICMP port-unreachable.
        await socket.ConnectAsync(address, port, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(send, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var buffer = new byte[MaxDatagram];
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        return new Reply(address, buffer[..received]);
    }
}
