using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

/// <summary>A real gRPC server (Kestrel with the standard health service) and a real HTTP/1 server, once per class.</summary>
public sealed class GrpcServers : IAsyncLifetime
{
    private GrpcTestServer? grpc;
    private HttpTestServer? web;

    public TestCertificates Certificates { get; } = TestCertificates.Shared;

    public GrpcTestServer Grpc => grpc ?? throw new InvalidOperationException("the gRPC test server did not start");

    public HttpTestServer Web => web ?? throw new InvalidOperationException("the HTTP test server did not start");

    public async Task InitializeAsync()
    {
        grpc = await GrpcTestServer.StartAsync(Certificates.Valid.Certificate);
        web = await HttpTestServer.StartAsync(Certificates.Valid.Certificate);
    }

    public async Task DisposeAsync()
    {
        if (grpc is not null)
        {
            await grpc.DisposeAsync();
        }

        if (web is not null)
        {
            await web.DisposeAsync();
        }
    }
}

public sealed class GrpcCheckTests(GrpcServers servers) : IClassFixture<GrpcServers>
{
    private GrpcTestServer Grpc => servers.Grpc;

    [Fact]
    public async Task Serving_not_serving_and_unknown_services_are_told_apart_in_plaintext_and_tls()
    {
        using var config = new TempConfig($$"""
            - { type: grpc, name: whole-server, host: 127.0.0.1, port: {{Grpc.PlainPort}} }
            - { type: grpc, name: app, host: 127.0.0.1, port: {{Grpc.PlainPort}}, service: app }
            - { type: grpc, name: down, host: 127.0.0.1, port: {{Grpc.PlainPort}}, service: down }
            - { type: grpc, name: unknown, host: 127.0.0.1, port: {{Grpc.PlainPort}}, service: billing }
            - { type: grpc, name: app-tls, host: 127.0.0.1, port: {{Grpc.TlsPort}}, service: app, tls: true }
            - { type: grpc, name: plaintext-at-tls, host: 127.0.0.1, port: {{Grpc.TlsPort}}, service: app, timeout: 5 }
            - { type: grpc, name: tls-at-plaintext, host: 127.0.0.1, port: {{Grpc.PlainPort}}, service: app, tls: true, timeout: 5 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "--tls-certs-path", servers.Certificates.CaDirectory);
        var untrusted = await ProcessRunner.ConnCheckAsync(config.Path, "-v");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 4 of 7 checks failed |", run.StatusLine);
        Assert.Equal("whole-server OK", run.Line("whole-server"));
        Assert.Contains(" ms) - the server as a whole (service \"\") is SERVING\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("app OK", run.Line("app"));
        Assert.Contains(" ms) - service \"app\" is SERVING\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("down FAILED - health: service \"down\" is NOT_SERVING, not SERVING", run.Line("down"));
        Assert.Equal("unknown FAILED - health: service \"billing\" is unknown to the server's health service (NOT_FOUND)", run.Line("unknown"));
        Assert.Equal("app-tls OK", run.Line("app-tls"));
        Assert.StartsWith("plaintext-at-tls FAILED - health: not a gRPC server: it does not speak HTTP/2 (", run.Line("plaintext-at-tls"));
        Assert.StartsWith($"tls-at-plaintext FAILED - tls:127.0.0.1:{Grpc.PlainPort}: not TLS: ", run.Line("tls-at-plaintext"));
        Assert.StartsWith($"app-tls FAILED - tls:127.0.0.1:{Grpc.TlsPort}: ", untrusted.Line("app-tls"));
    }

    [Fact]
    public async Task A_port_that_speaks_another_protocol_is_not_a_grpc_server()
    {
        var web = servers.Web;
        using var silent = new SilentServer();
        using var config = new TempConfig($$"""
            - { type: grpc, name: at-http1, host: 127.0.0.1, port: {{web.HttpPort}} }
            - { type: grpc, name: at-https-not-grpc, host: 127.0.0.1, port: {{web.HttpsPort}}, tls: true }
            - { type: grpc, name: at-http2-not-grpc, host: 127.0.0.1, port: {{Grpc.NotGrpcPort}} }
            - { type: grpc, name: at-smtp, host: 127.0.0.1, port: {{TestServers.Port("SMTP")}} }
            - { type: grpc, name: at-silent, host: 127.0.0.1, port: {{silent.Port}}, timeout: 1 }
            - { type: grpc, name: at-closed, host: 127.0.0.1, port: {{Loopback.ClosedPort()}} }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", servers.Certificates.CaDirectory);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 6 of 6 checks failed |", run.StatusLine);
        Assert.Equal("at-http1 FAILED - health: not a gRPC server: it does not speak HTTP/2 (The HTTP/2 server closed the connection. HTTP/2 error code 'HTTP_1_1_REQUIRED' (0xd). (HttpProtocolError))", run.Line("at-http1"));
        Assert.Equal("at-https-not-grpc FAILED - health: not a gRPC server: Bad gRPC response. HTTP status code: 404", run.Line("at-https-not-grpc"));
        Assert.Equal("at-http2-not-grpc FAILED - health: not a gRPC server: Bad gRPC response. HTTP status code: 404", run.Line("at-http2-not-grpc"));
        Assert.StartsWith("at-smtp FAILED - health: not a gRPC server: it does not speak HTTP/2 (", run.Line("at-smtp"));
        Assert.Equal("at-silent FAILED - health: timed out after 1s waiting for a reply (not a gRPC server, or it is not answering)", run.Line("at-silent"));
        Assert.Equal("at-closed FAILED - connection refused", run.Line("at-closed"));
    }
}
