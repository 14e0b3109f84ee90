using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// A check type with its options record <typeparamref name="TOptions"/>: the typed side of <see cref="ICheckType"/>.
/// The record's parameters are the type's fields and its parse (<see cref="OptionFields"/>).
/// </summary>
public abstract class CheckType<TOptions> : ICheckType
    where TOptions : CheckOptions
{
    private static readonly OptionFields Declared = OptionFields.Of(typeof(TOptions));

    public abstract string Name { get; }

    public virtual IReadOnlyList<string> Aliases => [];

    public virtual IReadOnlyList<FieldSpec> Fields => Declared.Specs;

    public virtual IReadOnlyList<string> ZoneOverridable => [];

    public Type OptionsType => typeof(TOptions);

    public virtual FieldError? Validate(CheckFields fields) => null;

    public TOptions Parse(CheckFields fields) => (TOptions)Declared.Parse(fields);

    public virtual byte[] UdpProbe(TOptions options) => [];

    public virtual bool UsesTls(TOptions options) => false;

    public virtual IReadOnlyList<string> OriginalStepNames(TOptions options) => [Describe(options).Name];

    public abstract CheckTarget Describe(TOptions options);

    public abstract Task<CheckOutcome> RunAsync(TOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken);

    CheckOptions ICheckType.Parse(CheckFields fields) => Parse(fields);

    byte[] ICheckType.UdpProbe(CheckOptions options) => UdpProbe(Own(options));

    bool ICheckType.UsesTls(CheckOptions options) => UsesTls(Own(options));

    IReadOnlyList<string> ICheckType.OriginalStepNames(CheckOptions options) => OriginalStepNames(Own(options));

    CheckTarget ICheckType.Describe(CheckOptions options) => Describe(Own(options));

    Task<CheckOutcome> ICheckType.RunAsync(CheckOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken) =>
        options is TOptions own
            ? RunAsync(own, destination, context, cancellationToken)
            : Task.FromException<CheckOutcome>(Mismatch(options));

    private TOptions Own(CheckOptions options) => options as TOptions ?? throw Mismatch(options);

    private InvalidOperationException Mismatch(CheckOptions? options) =>
        new($"a {Name} check needs {typeof(TOptions).Name}, got {options?.GetType().Name ?? "no options"}");
}

/// <summary>
/// A check type that connects to <c>host</c>:<c>port</c>: named "NAME:HOST:PORT", with the type's
/// default port where none is written. Its run gets the destination with the port filled in.
/// </summary>
public abstract class HostPortCheck<TOptions> : CheckType<TOptions>
    where TOptions : CheckOptions, IHostPortOptions
{
    protected virtual int DefaultPort => 0;

    protected virtual DestinationProtocol Protocol => DestinationProtocol.Tcp;

    public override CheckTarget Describe(TOptions options) => CheckTarget.OfHostPort(Name, options.Host, PortOf(options), Protocol);

    protected int PortOf(TOptions options) => options.Port ?? DefaultPort;
}

/// <summary>
/// A database login (postgres, mysql): the tcp sub-check, then the driver's "auth" step. A host
/// starting with / is a unix socket, whose path is the destination a firewall sees.
/// </summary>
public abstract class AuthAfterTcpCheck<TOptions> : HostPortCheck<TOptions>
    where TOptions : CheckOptions, IHostPortOptions
{
    public override CheckTarget Describe(TOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        var destination = Service.IsUnixSocket(host) ? new Destination(SocketPath(host, port), 0, DestinationProtocol.Unix) : new Destination(host, port);
        return new CheckTarget($"{Name}:{HostPort.Format(host, port)}", destination);
    }

    public override IReadOnlyList<string> OriginalStepNames(TOptions options) => Service.StepNamesAfterTcp(Name, options.Host, PortOf(options));

    // The destination of a unix socket is its path: the run connects to the host and port as written.
    public override Task<CheckOutcome> RunAsync(TOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (options.Host, PortOf(options));
        return Service.RunAuthAfterTcpAsync(host, port, (reachedHost, ct) => AuthenticateAsync(options, reachedHost, port, context, ct), cancellationToken);
    }

    /// <summary>The unix socket a host that is a path names.</summary>
    protected abstract string SocketPath(string host, int port);

    /// <summary>Log in to <paramref name="host"/> (the address the tcp step reached, or the socket path).</summary>
    protected abstract Task<StepResult> AuthenticateAsync(TOptions options, string host, int port, CheckContext context, CancellationToken cancellationToken);
}
