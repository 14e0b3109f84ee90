using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using MySqlConnector;

namespace ConnCheck.Checks.Types;

public sealed record MySqlOptions([Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, [Required] string? Username, [Secret] string? Password, string? Database)
    : CheckOptions, IHostPortOptions;

/// <summary>
/// mysql (MySQL, MariaDB): connect, authenticate and open the database. A host starting with / is a
/// unix socket file. A new type: its steps are named like the original's postgres check's.
/// </summary>
public sealed class MySqlCheck : AuthAfterTcpCheck<MySqlOptions>
{
    protected override int DefaultPort => 3306;

    public override string Name => "mysql";

    protected override string SocketPath(string host, int port) => host;

    protected override async Task<StepResult> AuthenticateAsync(MySqlOptions options, string host, int port, CheckContext context, CancellationToken cancellationToken)
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
