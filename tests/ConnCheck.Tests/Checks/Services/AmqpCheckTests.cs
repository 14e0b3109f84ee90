using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class AmqpCheckTests
{
    private static readonly int Port = TestServers.Port("AMQP");
    private static readonly int TlsPort = TestServers.Port("AMQPS");
    private static readonly string Password = TestServers.Get("AMQP_PASSWORD");
    private static readonly string Vhost = TestServers.Get("AMQP_VHOST");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - {Check("amqp-ok", Port, Password, Vhost, ", use_tls: false")}
            - {Check("amqps-ok", TlsPort, Password, Vhost)}
            - {Check("amqp-wrong-password", Port, "not-the-password", Vhost, ", use_tls: false")}
            - {Check("amqp-unknown-vhost", Port, Password, "nosuchvhost", ", use_tls: false")}
            - {Check("amqp-tls-on-plain-port", Port, Password, Vhost)}
            - {Check("amqp-closed", closed, Password, Vhost, ", use_tls: false")}
            - {Check("amqp-at-postgres", TestServers.Port("POSTGRES"), Password, Vhost, ", use_tls: false")}
            - {Check("amqp-at-redis", TestServers.Port("REDIS"), Password, Vhost, ", use_tls: false, timeout: 2")}
            - {Check("amqp-silent", silent.Port, Password, Vhost, ", use_tls: false, timeout: 2")}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", TestServers.Get("TLS_CA_DIR"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 7 of 9 checks failed |", run.StatusLine);
        Assert.Equal("amqp-ok OK", run.Line("amqp-ok"));
        Assert.Equal("amqps-ok OK", run.Line("amqps-ok"));
        TestServers.AssertCarriesFarEndText(run.Line("amqp-wrong-password"), "amqp-wrong-password FAILED - auth: login refused for user \"app\": ");
        TestServers.AssertCarriesFarEndText(run.Line("amqp-unknown-vhost"), "amqp-unknown-vhost FAILED - auth: opening vhost \"nosuchvhost\" refused: ");
        Assert.StartsWith($"amqp-tls-on-plain-port FAILED - tls:127.0.0.1:{Port}: not TLS: the server did not answer the handshake", run.Line("amqp-tls-on-plain-port"));
        Assert.Equal("amqp-closed FAILED - connection refused", run.Line("amqp-closed"));
        Assert.Equal("amqp-at-postgres FAILED - auth: not an AMQP server: the server closed the connection", run.Line("amqp-at-postgres"));
        Assert.Equal("amqp-at-redis FAILED - auth: timed out after 2s waiting for a reply (not an AMQP server, or it is not answering)", run.Line("amqp-at-redis"));
        Assert.Equal("amqp-silent FAILED - auth: timed out after 2s waiting for a reply (not an AMQP server, or it is not answering)", run.Line("amqp-silent"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public async Task Tls_is_verified_against_the_extra_roots_and_reports_the_certificate_expiry()
    {
        var fields = new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = TlsPort, ["username"] = "app", ["password"] = Password, ["vhost"] = Vhost };
        var trusted = await TestServers.RunAsync("amqp", fields, tls: TlsSettings.FromDirectory(TestServers.Get("TLS_CA_DIR")));
        var untrusted = await TestServers.RunAsync("amqp", fields);
        var unverified = await TestServers.RunAsync("amqp", new Dictionary<string, object>(fields) { ["disable_tls_verification"] = true });

        Assert.Equal(CheckStatus.Ok, trusted.Status);
        Assert.Equal([$"tcp:127.0.0.1:{TlsPort}", $"tls:127.0.0.1:{TlsPort}", "auth"], trusted.SubChecks.Select(s => s.Name));
        Assert.NotNull(trusted.CertificateNotAfter);
        Assert.InRange(trusted.CertificateNotAfter!.Value, DateTimeOffset.UtcNow.AddDays(25), DateTimeOffset.UtcNow.AddDays(31));

        Assert.Equal(CheckStatus.Failed, untrusted.Status);
        Assert.StartsWith($"tls:127.0.0.1:{TlsPort}: certificate untrusted", untrusted.Reason);

        Assert.Equal(CheckStatus.Ok, unverified.Status);
    }

    [Fact]
    public async Task Certificate_thresholds_apply_to_amqp_over_tls()
    {
        using var config = new TempConfig($"""
            - {Check("amqps-cert-warn", TlsPort, Password, Vhost, ", cert_warn_days: 60")}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", TestServers.Get("TLS_CA_DIR"));

        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"^amqps-cert-warn WARNING - certificate expires in \d+(\.\d)? days \(cert_warn_days 60\)$", run.Line("amqps-cert-warn"));
    }

    private static string Check(string name, int port, string password, string vhost, string extra = "") =>
        $"{{ type: amqp, name: {name}, host: 127.0.0.1, port: {port}, username: app, password: '{password}', vhost: {vhost}{extra} }}";
}
