using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using MySqlConnector;

namespace ConnCheck.Checks.Types;

/// <summary>mysql (MySQL, MariaDB): connect, authenticate and open the database. A host starting with / is a unix socket file.</summary>
public sealed class MySqlCheck : ICheckType
{
    private const int DefaultPort = 3306;

    public string Name => "mysql";

    public IReadOnlyList<FieldSpec> Fields { get; } =
    [
        FieldSpec.Host,
        FieldSpec.Port(),
        new("username", FieldKind.String, Required: true),
        FieldSpec.Password,
        new("database", FieldKind.String),
    ];

    public CheckTarget Describe(CheckFields fields)
    {
        var host = fields.String("host");
        var port = fields.Int("port", DefaultPort);
        var destination = Service.IsUnixSocket(host) ? new Destination(host, 0, DestinationProtocol.Unix) : new Destination(host, port);
        return new CheckTarget($"mysql:{HostPort.Format(host, port)}", destination);
    }

    // New type: named like the original's postgres check.
    public IReadOnlyList<string> OriginalStepNames(CheckFields fields)
    {
        return Service.StepNamesAfterTcp("mysql", fields.String("host"), fields.Int("port", DefaultPort));
    }

    public Task<CheckOutcome> RunAsync(CheckFields fields, CheckContext context, CancellationToken cancellationToken)
    {
        var host = fields.String("host");
        var port = fields.Int("port", DefaultPort);
        return Service.RunAuthAfterTcpAsync(host, port, (reachedHost, ct) => AuthenticateAsync(fields, reachedHost, port, context, ct), cancellationToken);
    }

    private static async Task<StepResult> AuthenticateAsync(CheckFields fields, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        var settings = new MySqlConnectionStringBuilder
        {
            Server = host,
            Port = (uint)port,
            UserID = fields.String("username"),
            Password = fields.OptionalString("password") ?? "",
            Database = fields.OptionalString("database") ?? "",
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
