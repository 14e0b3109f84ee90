using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A real gRPC server (Kestrel with the standard health service of Grpc.HealthCheck) on 127.0.0.1:
/// one h2c port and one TLS port, and an HTTP/2 port that is not gRPC. Services: "" and "app"
/// SERVING, "down" NOT_SERVING; any other name is unknown (NOT_FOUND).
/// </summary>
public sealed class GrpcTestServer : IAsyncDisposable
{
    private readonly WebApplication grpc;
    private readonly WebApplication notGrpc;

    private GrpcTestServer(WebApplication grpc, WebApplication notGrpc) => (this.grpc, this.notGrpc) = (grpc, notGrpc);

    public int PlainPort { get; private set; }

    public int TlsPort { get; private set; }

    /// <summary>HTTP/2 without TLS, answering every request with a 404 page: not gRPC.</summary>
    public int NotGrpcPort { get; private set; }

    public static async Task<GrpcTestServer> StartAsync(X509Certificate2 certificate)
    {
        var health = new HealthServiceImpl();
        health.SetStatus("", ServingStatus.Serving);
        health.SetStatus("app", ServingStatus.Serving);
        health.SetStatus("down", ServingStatus.NotServing);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(certificate);
            });
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(health);
        var grpc = builder.Build();
        grpc.MapGrpcService<HealthServiceImpl>();

        var other = WebApplication.CreateSlimBuilder();
        other.Logging.ClearProviders();
        other.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var notGrpc = other.Build();
        notGrpc.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return context.Response.WriteAsync("no such page");
        });

        var server = new GrpcTestServer(grpc, notGrpc);
        await grpc.StartAsync();
        await notGrpc.StartAsync();
        var addresses = Addresses(grpc);
        server.PlainPort = new Uri(addresses.Single(a => a.StartsWith("http://", StringComparison.Ordinal))).Port;
        server.TlsPort = new Uri(addresses.Single(a => a.StartsWith("https://", StringComparison.Ordinal))).Port;
        server.NotGrpcPort = new Uri(Addresses(notGrpc).Single()).Port;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await grpc.StopAsync();
        await notGrpc.StopAsync();
        await grpc.DisposeAsync();
        await notGrpc.DisposeAsync();
    }

    private static ICollection<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
}
