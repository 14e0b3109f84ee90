using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Types;

public sealed record RedisOptions([Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, string? Username, [Secret] string? Password)
    : CheckOptions, IHostPortOptions;

/// <summary>
/// redis: PING, or AUTH first when a password is given. Spoken as two RESP commands on one socket
/// rather than through StackExchange.Redis: the multiplexer's background connection management,
/// retries and generic "could not connect" errors suit an application, not a one-shot probe that must
/// say exactly what the server answered and leave nothing running.
/// </summary>
public sealed class RedisCheck : HostPortCheck<RedisOptions>
{
    protected override int DefaultPort => 6379;

    public override string Name => "redis";

    public override FieldError? Validate(CheckFields fields) =>
        fields.Has("username") && !fields.Has("password") ? new FieldError("username", "redis 'username' needs a 'password'") : null;

    public override IReadOnlyList<string> OriginalStepNames(RedisOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        return OriginalNames.Prefixed($"redis:{host}:{port}", $"tcp:{host}:{port}", options.Password is not null ? "connect with auth" : "connect");
    }

    public override Task<CheckOutcome> RunAsync(RedisOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var password = options.Password;
        var reached = new Reached();
        return Steps.RunAsync(
            cancellationToken,
            Net.TcpStep(host, port, reached),
            new CheckStep(password is null ? "connect" : "connect with auth", ct => ConnectAsync(reached, host, port, options.Username, password, context, ct), IsMain: true));
    }

    private static async Task<StepResult> ConnectAsync(Reached reached, string host, int port, string? username, string? password, CheckContext context, CancellationToken cancellationToken)
    {
        using var socket = await Net.ConnectTcpAsync(reached, host, port, cancellationToken).ConfigureAwait(false);
        try
        {
            if (password is not null)
            {
                var auth = await Service.ExchangeLineAsync(socket, username is null ? Command("AUTH", password) : Command("AUTH", username, password), cancellationToken).ConfigureAwait(false);
                if (AuthFailure(auth, username) is { } failure)
                {
                    return StepResult.Fail(failure);
                }
            }

            var ping = await Service.ExchangeLineAsync(socket, Command("PING"), cancellationToken).ConfigureAwait(false);
            return ping switch
            {
                null => StepResult.Fail(NotRedis(ping)),
                [(byte)'+', (byte)'P', (byte)'O', (byte)'N', (byte)'G', ..] => StepResult.Ok(),
                [(byte)'-', (byte)'N', (byte)'O', (byte)'A', (byte)'U', (byte)'T', (byte)'H', ..] => StepResult.Fail("the server requires a password (NOAUTH) and none is configured for this check"),
                [(byte)'-', ..] => StepResult.Fail($"PING failed: {ServerError(ping)}"),
                _ => StepResult.Fail(NotRedis(ping)),
            };
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("a Redis server", context));
        }
    }

    private static string? AuthFailure(byte[]? reply, string? username)
    {
        if (reply is [(byte)'+', (byte)'O', (byte)'K', ..])
        {
            return null;
        }

        if (reply is not [(byte)'-', ..])
        {
            return NotRedis(reply);
        }

        var error = ServerError(reply);
        if (error.StartsWith("WRONGPASS", StringComparison.Ordinal) || error.Contains("invalid password", StringComparison.OrdinalIgnoreCase))
        {
            return username is null
                ? $"wrong password ({error})"
                : $"wrong username or password for user \"{username}\" ({error})";
        }

        // Redis 6+: "AUTH <password> called without any password configured"; older: "Client sent AUTH, but no password is set".
        if (error.Contains("without any password configured", StringComparison.OrdinalIgnoreCase) || error.Contains("no password is set", StringComparison.OrdinalIgnoreCase))
        {
            return "a password was sent but no password is configured on the server";
        }

        return $"AUTH failed: {error}";
    }

    private static string ServerError(byte[] reply) => Failures.OneLine(Encoding.UTF8.GetString(reply, 1, reply.Length - 1), 200);

    private static string NotRedis(byte[]? reply) =>
        reply is null ? "not a Redis server: the connection was closed without a reply" : $"not a Redis server: unexpected reply {Service.Quote(reply)}";

    private static byte[] Command(params string[] parts)
    {
        var text = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            text.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
