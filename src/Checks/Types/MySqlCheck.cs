using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using MySqlConnector;

namespace ConnCheck.Checks.Types;

public sealed record MySqlOptions : LoginOptions
{
    public string? Database { get; init; }
}

/// <summary>mysql (MySQL, MariaDB): connect, authenticate and open the database. A host starting with / is a unix socket file.</summary>
public sealed class MySqlCheck : LoginCheck<MySqlOptions>
{
    protected override int DefaultPort => 3306;

    public override string Name => "mysql";

    public override IReadOnlyList<FieldSpec> Fields { get; } =
    [
        FieldSpec.Host,
        FieldSpec.Port(),
        new("username", FieldKind.String, Required: true),
        FieldSpec.Password,
        new("database", FieldKind.String),
    ];

    public override MySqlOptions Parse(CheckFields fields) => base.Parse(fields) with { Database = fields.OptionalString("database") };

    public override CheckTarget Describe(MySqlOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        var destination = Service.IsUnixSocket(host) ? new Destination(host, 0, DestinationProtocol.Unix) : new Destination(host, port);
        return new CheckTarget($"mysql:{HostPort.Format(host, port)}", destination);
    }

    // New type: named like the original's postgres check.
    public override IReadOnlyList<string> OriginalStepNames(MySqlOptions options)
    {
        return Service.StepNamesAfterTcp("mysql", options.Host, PortOf(options));
    }

    // The destination of a unix socket is its path: the run connects to the host and port as written.
    public override Task<CheckOutcome> RunAsync(MySqlOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (options.Host, PortOf(options));
        return Service.RunAuthAfterTcpAsync(host, port, (reachedHost, ct) => AuthenticateAsync(options, reachedHost, port, context, ct), cancellationToken);
    }

    private static async Task<StepResult> AuthenticateAsync(MySqlOptions options, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        var settings = new MySqlConnectionStringBuilder
        {
            Server = host,
            Port = (uint)port,
            UserID = options.Username ?? "",
            Password = options.Password ?? "",
            Database = options.Database ?? "",
            Pooling = false,
            ConnectionTimeout = (uint)Service.TimeoutSeconds(context),
            DefaultCommandTimeout = (uint)Service.TimeoutSeconds(context),
            ApplicationName = "conn-check",
            ConnectionProtocol = Service.IsUnixSocket(host) ? MySqlConnectionProtocol.UnixSocket : MySqlConnectionProtocol.Tcp,
        };

        // The connection string holds the password: it is handed to the driver and nowhere else.
        await using var connection = new MySqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return StepResult.Ok($"{connection.ServerVersion} as {settings.UserID}");
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("a MySQL server", context));
        }
        catch (MySqlException ex) when (ex.ErrorCode is not MySqlErrorCode.UnableToConnectToHost || ex.InnerException is null)
        {
            return StepResult.Fail(Failures.OneLine(ex.Message));
        }
        catch (MySqlException ex) when (Failures.Classify(ex) == TransportFailure.Other)
        {
            return StepResult.Fail($"not a MySQL server: {Service.Describe(ex)}");
        }
    }
}
