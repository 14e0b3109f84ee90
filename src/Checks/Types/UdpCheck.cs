using System.Net.Sockets;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record UdpOptions([Required, Kind(FieldKind.Host)] string Host, [Required, Kind(FieldKind.Port)] int? Port, [Required] string Send, [Required] string Expect)
    : CheckOptions, IHostPortOptions;

/// <summary>udp: sending <c>send</c> gets back a datagram that contains <c>expect</c>.</summary>
public sealed class UdpCheck : HostPortCheck<UdpOptions>
{
    public override string Name => "udp";

    protected override DestinationProtocol Protocol => DestinationProtocol.Udp;

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
