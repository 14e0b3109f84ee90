using System.Net.Sockets;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

/// <summary>udp: sending <c>send</c> gets back a datagram that contains <c>expect</c>.</summary>
public sealed class UdpCheck : ICheckType
{
    public string Name => "udp";

    public IReadOnlyList<FieldSpec> Fields { get; } =
    [
        FieldSpec.Host,
        FieldSpec.Port(required: true),
        new("send", FieldKind.String, Required: true),
        new("expect", FieldKind.String, Required: true),
    ];

    public CheckTarget Describe(CheckFields fields) => CheckTarget.OfHostPort("udp", fields, 0, DestinationProtocol.Udp);

    public Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken)
    {
        var host = fields.String("host");
        var port = fields.Int("port", 0);
        var send = Encoding.UTF8.GetBytes(fields.String("send", ""));
        var expect = Encoding.UTF8.GetBytes(fields.String("expect", ""));
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
