using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// One kind of check (tcp, postgres, ...). Implementations are stateless: the YAML fields arrive
/// in <see cref="CheckFields"/>, already validated against <see cref="Fields"/>.
/// </summary>
public interface ICheckType
{
    /// <summary>Canonical type name, as written in configs and reports.</summary>
    string Name { get; }

    /// <summary>Other names the original conn-check accepted for this type.</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>The type's own fields; the fields every check has are in <see cref="CommonFields"/>.</summary>
    IReadOnlyList<FieldSpec> Fields { get; }

    /// <summary>The fields a <see cref="FieldKind.ZoneOverrides"/> field may set per zone.</summary>
    IReadOnlyList<string> ZoneOverridable => [];

    /// <summary>What a reachable: false probe sends to a UDP destination to draw a reply (udp: its <c>send</c>).</summary>
    byte[] UdpProbe(CheckFields fields) => System.Text.Encoding.UTF8.GetBytes(fields.OptionalString("send") ?? "");

    /// <summary>Whether the check talks TLS with these fields, so certificate thresholds apply.</summary>
    bool UsesTls(CheckFields fields) => false;

    /// <summary>Cross-field rules the field kinds cannot express.</summary>
    FieldError? Validate(CheckFields fields) => null;

    /// <summary>
    /// The names the original conn-check gave this check's steps (its leaf checks, e.g.
    /// <c>redis:h:p:tcp:h:p</c>, <c>redis:h:p:connect</c>), which its name patterns matched against.
    /// </summary>
    IReadOnlyList<string> OriginalStepNames(CheckFields fields) => [Describe(fields).Name];

    /// <summary>The display name (tcp:host:port) and the destination a firewall must allow.</summary>
    CheckTarget Describe(CheckFields fields);

    Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken);
}

public sealed record CheckTarget(string Name, Destination Destination)
{
    /// <summary>The common case: <c>host</c> and <c>port</c> fields, named "PREFIX:HOST:PORT" (IPv6 bracketed).</summary>
    public static CheckTarget OfHostPort(string prefix, CheckFields fields, int defaultPort = 0, DestinationProtocol protocol = DestinationProtocol.Tcp)
    {
        var host = fields.String("host");
        var port = fields.Int("port", defaultPort);
        return new CheckTarget($"{prefix}:{HostPort.Format(host, port)}", new Destination(host, port, protocol));
    }
}

public sealed record FieldError(string Field, string Message);
