using System.Security.Authentication;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ConnCheck.Checks.Types;

public sealed record AmqpOptions(
    [Required, Kind(FieldKind.Host)] string Host, [Kind(FieldKind.Port)] int? Port, [Required] string? Username, [Required, Secret] string? Password,
    bool? UseTls, string? Vhost, bool? DisableTlsVerification) : CheckOptions, IHostPortOptions;

/// <summary>amqp (RabbitMQ): connect, authenticate and open the vhost; TLS by default, as the original.</summary>
public sealed class AmqpCheck : HostPortCheck<AmqpOptions>
{
    protected override int DefaultPort => 5672;

    public override string Name => "amqp";

    public override bool UsesTls(AmqpOptions options) => options.UseTls ?? true;

    public override IReadOnlyList<string> OriginalStepNames(AmqpOptions options)
    {
        var (host, port) = (options.Host, PortOf(options));
        return UsesTls(options)
            ? [$"tcp:{host}:{port}", $"tls:{host}:{port}", $"amqp:{host}:{port}"]
            : [$"tcp:{host}:{port}", $"amqp:{host}:{port}"];
    }

    public override Task<CheckOutcome> RunAsync(AmqpOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var verify = options.DisableTlsVerification != true;
        var reached = new Reached();
        var auth = new CheckStep("auth", ct => AuthenticateAsync(options, host, reached, port, verify, context, ct), IsMain: true);
        return UsesTls(options)
            ? Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), TlsProbe.Step(host, port, context, verify, reached), auth)
            : Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), auth);
    }

    private async Task<StepResult> AuthenticateAsync(AmqpOptions options, string host, Reached reached, int port, bool verify, CheckContext context, CancellationToken cancellationToken)
    {
        var username = options.Username ?? "";
        var vhost = options.Vhost ?? "/";
        var policy = new TlsValidator(host, context.Tls, verify);
        var factory = new ConnectionFactory
        {
            // RabbitMQ.Client tries one address per family, not each in resolver order: give it the
            // address the tcp sub-check reached; TLS still verifies the certificate against the name.
            HostName = reached.HostFor(host),
            Port = port,
            UserName = username,
            Password = options.Password ?? "",
            VirtualHost = vhost,
            ClientProvidedName = "conn-check",
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = context.Timeout,
            HandshakeContinuationTimeout = context.Timeout,
            ContinuationTimeout = context.Timeout,
            SocketReadTimeout = context.Timeout,
            SocketWriteTimeout = context.Timeout,
            Ssl = new SslOption
            {
                Enabled = UsesTls(options),
                ServerName = HostPort.Bare(host),
                CertificateValidationCallback = policy.Validate,
            },
        };

        // The client does not always honour cancellation during its handshake: stop waiting on our
        // own deadline, and close a connection that completes after the check gave up on it.
        var connecting = factory.CreateConnectionAsync(cancellationToken);
        IConnection? connection = null;
        try
        {
            connection = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);

            // RabbitMQ refuses an unknown vhost by closing the connection right after opening it;
            // a channel proves the vhost is really open.
            var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
            await connection.CloseAsync(cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
            return StepResult.Ok($"user {username}, vhost {vhost}");
        }
        catch (Exception ex) when (Find<AuthenticationFailureException>(ex) is { } refused)
        {
            return StepResult.Fail($"login refused for user \"{username}\": {Failures.OneLine(refused.Message)}");
        }
        catch (Exception ex) when (Find<PossibleAuthenticationFailureException>(ex) is not null)
        {
            return StepResult.Fail($"the server closed the connection during login of user \"{username}\" (wrong username or password?)");
        }
        catch (Exception ex) when (Find<OperationInterruptedException>(ex) is { ShutdownReason: { } reason })
        {
            return StepResult.Fail(reason.ReplyText.Contains("vhost", StringComparison.OrdinalIgnoreCase)
                ? $"opening vhost \"{vhost}\" refused: {Failures.OneLine(reason.ReplyText)}"
                : $"connection closed by the server: {Failures.OneLine(reason.ReplyText)}");
        }
        catch (Exception ex) when (Find<AuthenticationException>(ex) is { } tls)
        {
            return StepResult.Fail(policy.Failure ?? "TLS handshake failed: " + Failures.OneLine(tls.Message));
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("an AMQP server", context));
        }
        catch (Exception ex) when (Failures.Classify(ex) == TransportFailure.Other && ex is RabbitMQClientException or ProtocolException or EndOfStreamException or IOException)
        {
            return StepResult.Fail($"not an AMQP server: {Service.Describe(ex)}");
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                _ = connecting.ContinueWith(static t => t.IsCompletedSuccessfully ? t.Result.DisposeAsync().AsTask() : Task.FromResult(t.Exception), TaskScheduler.Default);
            }
        }
    }

    private static T? Find<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }

            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    if (Find<T>(inner) is { } nested)
                    {
                        return nested;
                    }
                }
            }
        }

        return null;
    }
}
