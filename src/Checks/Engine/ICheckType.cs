using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// One kind of check (tcp, postgres, ...). Implementations are stateless and derive from
/// <see cref="CheckType{TOptions}"/>: the loader checks the YAML fields against <see cref="Fields"/>,
/// the type parses them once into its options record, and the run gets that record.
/// </summary>
public interface ICheckType
{
    /// <summary>Canonical type name, as written in configs and reports (and on the wire, for the options).</summary>
    string Name { get; }

    /// <summary>Other names the original conn-check accepted for this type.</summary>
    IReadOnlyList<string> Aliases { get; }

    /// <summary>The type's own fields; the fields every check has are in <see cref="CommonFields"/>.</summary>
    IReadOnlyList<FieldSpec> Fields { get; }

    /// <summary>The fields a <see cref="FieldKind.ZoneOverrides"/> field may set per zone.</summary>
    IReadOnlyList<string> ZoneOverridable { get; }

    /// <summary>The type's options record.</summary>
    Type OptionsType { get; }

    /// <summary>Cross-field rules the field kinds cannot express, at load time.</summary>
    FieldError? Validate(CheckFields fields);

    /// <summary>The options from fields the loader has already type-checked (and validated).</summary>
    CheckOptions Parse(CheckFields fields);

    /// <summary>What a reachable: false probe sends to a UDP destination to draw a reply (udp: its <c>send</c>).</summary>
    byte[] UdpProbe(CheckOptions options);

    /// <summary>Whether the check talks TLS with these options, so certificate thresholds apply.</summary>
    bool UsesTls(CheckOptions options);

    /// <summary>
    /// The names the original conn-check gave this check's steps (its leaf checks, e.g.
    /// <c>redis:h:p:tcp:h:p</c>, <c>redis:h:p:connect</c>), which its name patterns matched against.
    /// </summary>
    IReadOnlyList<string> OriginalStepNames(CheckOptions options);

    /// <summary>The display name (tcp:host:port) and the destination a firewall must allow.</summary>
    CheckTarget Describe(CheckOptions options);

    Task<CheckOutcome> RunAsync(CheckOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken);
}

public sealed record CheckTarget(string Name, Destination Destination)
{
    /// <summary>The common case: named "PREFIX:HOST:PORT" (IPv6 bracketed).</summary>
    public static CheckTarget OfHostPort(string prefix, string host, int port, DestinationProtocol protocol = DestinationProtocol.Tcp) =>
        new($"{prefix}:{HostPort.Format(host, port)}", new Destination(host, port, protocol));
}

public sealed record FieldError(string Field, string Message);
