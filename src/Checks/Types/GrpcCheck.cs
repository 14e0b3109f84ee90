using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace ConnCheck.Checks.Types;

public sealed record GrpcOptions([Required, Kind(FieldKind.Host)] string Host, [Required, Kind(FieldKind.Port)] int? Port, string? Service, bool? Tls, bool? DisableTlsVerification)
    : CheckOptions, IHostPortOptions;

/// <summary>
/// grpc: the standard health check (<c>grpc.health.v1.Health/Check</c>) for <c>service</c> answers
/// SERVING, over HTTP/2 in plaintext (h2c) or, with <c>tls: true</c>, over TLS verified like the tls
/// check. A server that is HTTP/1 only, or HTTP/2 but not gRPC, fails with that reason.
/// </summary>
public sealed class GrpcCheck : HostPortCheck<GrpcOptions>
{
    public override string Name => "grpc";

    public override bool UsesTls(GrpcOptions options) => options.Tls == true;

    public override FieldError? Validate(CheckFields fields) =>
        fields.Has("disable_tls_verification") && !fields.Bool("tls", false) ? new FieldError("disable_tls_verification", "grpc 'disable_tls_verification' applies only with 'tls: true'") : null;

    public override Task<CheckOutcome> RunAsync(GrpcOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
    {
        var (host, port) = (destination.Host, destination.Port);
        var tls = UsesTls(options);
        var verify = options.DisableTlsVerification != true;
        var reached = new Reached();
        var health = new CheckStep("health", ct => HealthAsync(host, port, options.Service ?? "", tls, verify, reached, context, ct), IsMain: true);
        return tls
            ? Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), TlsProbe.Step(host, port, context, verify, reached), health)
            : Steps.RunAsync(cancellationToken, Net.TcpStep(host, port, reached), health);
    }

    private static async Task<StepResult> HealthAsync(string host, int port, string service, bool tls, bool verify, Reached reached, CheckContext context, CancellationToken cancellationToken)
    {
        var validator = new TlsValidator(host, context.Tls, verify);
        using var handler = new SocketsHttpHandler
        {
            ConnectTimeout = context.Timeout,
            UseProxy = false,
            ConnectCallback = async (_, ct) => new NetworkStream(await Net.ConnectTcpAsync(reached, host, port, ct).ConfigureAwait(false), ownsSocket: true),
            SslOptions = new SslClientAuthenticationOptions
            {
                TargetHost = HostPort.Bare(host),
                RemoteCertificateValidationCallback = validator.Validate,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            },
        };
        var address = new Uri($"{(tls ? "https" : "http")}://{HostPort.Format(host, port)}");
        using var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxRetryAttempts = 0 });
        var shown = service.Length == 0 ? "the server as a whole (service \"\")" : $"service \"{service}\"";
        try
        {
            var reply = await new Health.HealthClient(channel)
                .CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.Add(context.Timeout), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? new StepResult(true, $"{shown} is SERVING", validator.NotAfter)
                : StepResult.Fail($"{shown} is {Words(reply.Status)}, not SERVING");
        }
        catch (RpcException ex)
        {
            return StepResult.Fail(GrpcFailure.Describe(ex, shown, validator, context));
        }
        catch (Exception ex) when (Service.IsTimeout(ex))
        {
            return StepResult.Fail(Service.NoReply("a gRPC server", context));
        }
    }

    private static string Words(HealthCheckResponse.Types.ServingStatus status) => status switch
    {
        HealthCheckResponse.Types.ServingStatus.NotServing => "NOT_SERVING",
        HealthCheckResponse.Types.ServingStatus.ServiceUnknown => "SERVICE_UNKNOWN",
        _ => "UNKNOWN",
    };
}

/// <summary>What a failed health call means, from its status and the HTTP failure under it.</summary>
public static class GrpcFailure
{
    public static string Describe(RpcException exception, string service, TlsValidator validator, CheckContext context)
    {
        if (validator.Failure is { } rejected)
        {
            return rejected;
        }

        var http = Inner<HttpRequestException>(exception);
        if (exception.StatusCode == StatusCode.DeadlineExceeded || (http is null && Inner<OperationCanceledException>(exception) is not null))
        {
            return Service.NoReply("a gRPC server", context);
        }

        if (http is not null)
        {
            var transport = Failures.Classify(http);
            if (transport is TransportFailure.Refused or TransportFailure.NoRoute or TransportFailure.DnsFailed)
            {
                return Failures.Words(transport);
            }

            if (transport is TransportFailure.TimedOut)
            {
                return Service.NoReply("a gRPC server", context);
            }

            // HTTP/1-only servers answer the HTTP/2 preface with an HTTP/1 error, or negotiate http/1.1 over TLS.
            return $"not a gRPC server: it does not speak HTTP/2 ({Failures.OneLine(http.Message, 160)})";
        }

        var detail = Failures.OneLine(exception.Status.Detail, 200);
        return exception.StatusCode switch
        {
            StatusCode.NotFound => $"{service} is unknown to the server's health service (NOT_FOUND)",
            StatusCode.Unimplemented when detail.StartsWith("Bad gRPC response", StringComparison.Ordinal) => $"not a gRPC server: {detail}",
            StatusCode.Unimplemented => "the server does not implement grpc.health.v1.Health (UNIMPLEMENTED)",
            StatusCode.Internal or StatusCode.Unavailable or StatusCode.Unknown when detail.Contains("HTTP", StringComparison.Ordinal) || detail.StartsWith("Bad gRPC response", StringComparison.Ordinal) => $"not a gRPC server: {detail}",
            _ => $"health check failed: {exception.StatusCode}: {detail}",
        };
    }

    private static T? Inner<T>(Exception exception)
        where T : Exception
    {
        for (var e = exception.InnerException; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
