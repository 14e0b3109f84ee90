using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>A check type with its options record <typeparamref name="TOptions"/>: the typed side of <see cref="ICheckType"/>.</summary>
public abstract class CheckType<TOptions> : ICheckType
    where TOptions : CheckOptions
{
    public abstract string Name { get; }

    public virtual IReadOnlyList<string> Aliases => [];

    public abstract IReadOnlyList<FieldSpec> Fields { get; }

    public virtual IReadOnlyList<string> ZoneOverridable => [];

    public Type OptionsType => typeof(TOptions);

    public virtual FieldError? Validate(CheckFields fields) => null;

    public abstract TOptions Parse(CheckFields fields);

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
    where TOptions : HostPortOptions, new()
{
    protected virtual int DefaultPort => 0;

    protected virtual DestinationProtocol Protocol => DestinationProtocol.Tcp;

    /// <summary>Host and port; a type with more options adds them with <c>base.Parse(fields) with { ... }</c>.</summary>
    public override TOptions Parse(CheckFields fields) => new TOptions { Host = fields.String("host"), Port = fields.OptionalInt("port") };

    public override CheckTarget Describe(TOptions options) => CheckTarget.OfHostPort(Name, options.Host, PortOf(options), Protocol);

    protected int PortOf(TOptions options) => options.Port ?? DefaultPort;
}

/// <summary>A <see cref="HostPortCheck{TOptions}"/> with a <c>username</c> and <c>password</c>.</summary>
public abstract class LoginCheck<TOptions> : HostPortCheck<TOptions>
    where TOptions : LoginOptions, new()
{
    public override TOptions Parse(CheckFields fields) => new TOptions
    {
        Host = fields.String("host"),
        Port = fields.OptionalInt("port"),
        Username = fields.OptionalString("username"),
        Password = fields.OptionalString("password"),
    };
}
