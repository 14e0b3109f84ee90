using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record TcpOptions([Required, Kind(FieldKind.Host)] string Host, [Required, Kind(FieldKind.Port)] int? Port) : CheckOptions, IHostPortOptions;

/// <summary>tcp: the port accepts a connection.</summary>
public sealed class TcpCheck : HostPortCheck<TcpOptions>
{
    public override string Name => "tcp";

    public override Task<CheckOutcome> RunAsync(TcpOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken) =>
        Steps.RunAsync(cancellationToken, Net.TcpStep(destination.Host, destination.Port));
}
