using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record TlsOptions([Required, Kind(FieldKind.Host)] string Host, [Required, Kind(FieldKind.Port)] int? Port, bool? DisableTlsVerification)
    : CheckOptions, IHostPortOptions;

/// <summary>tls (alias ssl): the port completes a TLS handshake with a certificate valid for the host.</summary>
public sealed class TlsCheck : HostPortCheck<TlsOptions>
{
    public override string Name => "tls";

    public override IReadOnlyList<string> Aliases { get; } = ["ssl"];

    public override bool UsesTls(TlsOptions options) => true;

    public override Task<CheckOutcome> RunAsync(TlsOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var verify = options.DisableTlsVerification != true;
        var reached = new Reached();
        return Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), TlsProbe.Step(host, port, context, verify, reached));
    }
}
