using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using Npgsql;

namespace ConnCheck.Checks.Types;

public sealed record PostgresOptions(
    [Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, [Required] string? Username, [Secret] string? Password, [Required] string Database)
    : CheckOptions, IHostPortOptions;

/// <summary>postgres: connect, authenticate and open the database. A host starting with / is a unix socket directory.</summary>
public sealed class PostgresCheck : AuthAfterTcpCheck<PostgresOptions>
{
    protected override int DefaultPort => 5432;

    public override string Name => "postgres";

    public override IReadOnlyList<string> Aliases => ["postgresql"];

    protected override string SocketPath(string host, int port) => Path.Combine(host, $".s.PGSQL.{port}");

    protected override async Task<StepResult> AuthenticateAsync(PostgresOptions options, string host, int port, CheckContext context, CancellationToken cancellationToken)
    {
        // Npgsql reports a missing socket as a generic socket error; say what is missing.
        if (Service.IsUnixSocket(host) && SocketPath(host, port) is var socketPath && !File.Exists(socketPath))
        {
            return StepResult.Fail(Directory.Exists(host)
                ? $"unix socket {socketPath} does not exist (no PostgreSQL server listens there on port {port})"
                : $"unix socket directory {host} does not exist");
        }

        var settings = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Username = options.Username,
            Password = options.Password,
            Database = options.Database,
            Pooling = false,
            Timeout = Service.TimeoutSeconds(context),
            CommandTimeout = Service.TimeoutSeconds(context),
            ApplicationName = "conn-check",
            Multiplexing = false,
        };

        // The connection string holds the password: it is handed to the driver and nowhere else.
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return StepResult.Ok($"{connection.PostgreSqlVersion} as {settings.Username}");
        }
        catch (PostgresException ex)
        {
            return StepResult.Fail(Failures.OneLine(ex.MessageText));
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("a PostgreSQL server", context));
        }
        catch (NpgsqlException ex) when (settings.Password is null && ex.InnerException is null && ex.Message.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            return StepResult.Fail("the server requires a password and none is configured for this check");
        }
        catch (NpgsqlException ex) when (Failures.Classify(ex) == TransportFailure.Other)
        {
            return StepResult.Fail($"not a PostgreSQL server: {Service.Describe(ex)}");
        }
    }
}
