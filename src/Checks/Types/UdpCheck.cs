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
    public override string Name => "udp";

    public override IReadOnlyList<FieldSpec> Fields { get; } =
    [
        FieldSpec.Host,
        FieldSpec.Port(required: true),
        new("send", FieldKind.String, Required: true),
        new("expect", FieldKind.String, Required: true),
    ];

    protected override DestinationProtocol Protocol => DestinationProtocol.Udp;

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
        UdpExchange.Reply reply;
        try
        {
            reply = await UdpExchange.FirstReplyAsync(host, port, send, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (UdpExchange.Failure(ex) is TransportFailure.Refused)
        {
            return StepResult.Fail(TransportFailure.Refused);
        }

        var from = HostPort.IsLiteral(host) ? "" : $" from {HostPort.Address(reply.From)}";
        return reply.Data.AsSpan().IndexOf(expect) >= 0
            ? StepResult.Ok(from.Length == 0 ? null : "reply" + from)
            : StepResult.Fail($"unexpected UDP reply{from}: \"{FarEndText.Printable(reply.Data)}\"");
    }
}
