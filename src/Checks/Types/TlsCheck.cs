using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

/// <summary>tls (alias ssl): the port completes a TLS handshake with a certificate valid for the host.</summary>
public sealed class TlsCheck : ICheckType
{
    public string Name => "tls";

    public IReadOnlyList<string> Aliases { get; } = ["ssl"];

    public IReadOnlyList<FieldSpec> Fields { get; } =
    [
        FieldSpec.Host,
        FieldSpec.Port(required: true),
        new("disable_tls_verification", FieldKind.Boolean),
    ];

    public bool UsesTls(CheckFields fields) => true;

    public CheckTarget Describe(CheckFields fields) => CheckTarget.OfHostPort("tls", fields);

    public Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken)
    {
        var host = fields.String("host");
        var port = fields.Int("port", 0);
        var verify = !fields.Bool("disable_tls_verification", false);
        var reached = new Reached();
        return Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), TlsProbe.Step(host, port, context, verify, reached));
    }
}
