using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

/// <summary>tcp: the port accepts a connection.</summary>
public sealed class TcpCheck : ICheckType
{
    public string Name => "tcp";

    public IReadOnlyList<FieldSpec> Fields { get; } = [FieldSpec.Host, FieldSpec.Port(required: true)];

    public CheckTarget Describe(CheckFields fields) => CheckTarget.OfHostPort("tcp", fields);

    public Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken) =>
        Steps.RunAsync(cancellationToken, Net.TcpStep(fields.String("host"), fields.Int("port", 0)));
}
