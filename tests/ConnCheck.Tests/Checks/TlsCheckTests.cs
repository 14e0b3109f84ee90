using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks;

/// <summary>Real TLS servers on loopback, one per certificate, plus servers that are not TLS at all.</summary>
public sealed class TlsServers : IDisposable
{
    public TlsServers()
    {
        Valid = new TlsTestServer(Certificates.Valid.Certificate);
        Expired = new TlsTestServer(Certificates.Expired.Certificate);
        WrongHost = new TlsTestServer(Certificates.WrongHost.Certificate);
        SelfSigned = new TlsTestServer(Certificates.SelfSigned.Certificate);
        Expiring5Days = new TlsTestServer(Certificates.Expiring5Days.Certificate);
        Silent = new AcceptingListener();
        Banner = ScriptedTcpServer.Banner("SSH-2.0-OpenSSH_9.2 test\r\n");

        // Answers the client hello with the start of a TLS handshake record, then says nothing more.
        Stalling = new ScriptedTcpServer(async (stream, ct) =>
        {
            var hello = new byte[4096];
            _ = await stream.ReadAsync(hello, ct);
            await stream.WriteAsync(new byte[] { 22, 3, 3, 0, 64, 2 }, ct);
            await ScriptedTcpServer.DrainAsync(stream, ct);
        });
    }

    public TestCertificates Certificates { get; } = TestCertificates.Shared;

    public TlsTestServer Valid { get; }

    public TlsTestServer Expired { get; }

    public TlsTestServer WrongHost { get; }

    public TlsTestServer SelfSigned { get; }

    public TlsTestServer Expiring5Days { get; }

    public AcceptingListener Silent { get; }

    public ScriptedTcpServer Banner { get; }

    public ScriptedTcpServer Stalling { get; }

    public void Dispose()
    {
        Valid.Dispose();
        Expired.Dispose();
        WrongHost.Dispose();
        SelfSigned.Dispose();
        Expiring5Days.Dispose();
        Silent.Dispose();
        Banner.Dispose();
        Stalling.Dispose();
    }
}

public sealed class TlsCheckTests(TlsServers servers) : IClassFixture<TlsServers>
{
    [Fact]
    public async Task Certificate_from_the_private_CA_passes_only_with_tls_certs_path()
    {
        using var config = new TempConfig($"""
            - type: tls
              host: 127.0.0.1
              port: {servers.Valid.Port}
            """);

        var trusted = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", servers.Certificates.CaDirectory, "-v");
        var untrusted = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.StartsWith("CONN-CHECK OK", trusted.StatusLine);
        Assert.Equal($"tls:127.0.0.1:{servers.Valid.Port} OK", trusted.Lines[1]);
        Assert.StartsWith($"tcp:127.0.0.1:{servers.Valid.Port} OK", trusted.Lines[2]);
        Assert.StartsWith($"tls:127.0.0.1:{servers.Valid.Port} OK", trusted.Lines[3]);

        Assert.True(untrusted.ExitCode == 2, untrusted.ToString());
        Assert.Equal($"tls:127.0.0.1:{servers.Valid.Port} FAILED - tls:127.0.0.1:{servers.Valid.Port}: certificate untrusted (unknown issuer CN={TestCertificates.CaName})", untrusted.Lines[1]);
        Assert.True(servers.Valid.Handshakes >= 1);
    }

    [Fact]
    public async Task Each_kind_of_bad_certificate_or_non_TLS_server_fails_with_its_reason()
    {
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: tls
              host: 127.0.0.1
              port: {servers.Expired.Port}
            - type: ssl
              host: 127.0.0.1
              port: {servers.WrongHost.Port}
            - type: tls
              host: 127.0.0.1
              port: {servers.SelfSigned.Port}
            - type: tls
              host: 127.0.0.1
              port: {closed}
            - type: tls
              host: 127.0.0.1
              port: {servers.Silent.Port}
              timeout: 2
            - type: tls
              host: 127.0.0.1
              port: {servers.Banner.Port}
            - type: tls
              host: 127.0.0.1
              port: {servers.Stalling.Port}
              timeout: 2
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", servers.Certificates.CaDirectory);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 7 of 7 checks failed", run.StatusLine);
        string Line(int port, string reason) => $"tls:127.0.0.1:{port} FAILED - {reason}";
        Assert.Contains(Line(servers.Expired.Port, $"tls:127.0.0.1:{servers.Expired.Port}: certificate expired on 2026-01-01"), run.Lines);
        Assert.Contains(Line(servers.WrongHost.Port, $"tls:127.0.0.1:{servers.WrongHost.Port}: certificate is for CN=other.example, not 127.0.0.1"), run.Lines);
        Assert.Contains(Line(servers.SelfSigned.Port, $"tls:127.0.0.1:{servers.SelfSigned.Port}: certificate untrusted (self-signed)"), run.Lines);
        Assert.Contains(Line(closed, "connection refused"), run.Lines);
        Assert.Contains(Line(servers.Silent.Port, $"tls:127.0.0.1:{servers.Silent.Port}: not TLS: the server did not answer the handshake (no reply before the timeout)"), run.Lines);
        Assert.Contains(Line(servers.Banner.Port, $"tls:127.0.0.1:{servers.Banner.Port}: not TLS: the server did not answer the handshake (it sent \"SSH-2.0-OpenSSH_9.2 test\")"), run.Lines);
        Assert.Contains(Line(servers.Stalling.Port, $"tls:127.0.0.1:{servers.Stalling.Port}: TLS handshake timed out"), run.Lines);

        // The two 2 s timeouts run concurrently with everything else.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), run.ToString());
    }

    [Fact]
    public async Task Disable_tls_verification_accepts_any_certificate_but_still_needs_TLS()
    {
        using var config = new TempConfig($"""
            - type: tls
              host: 127.0.0.1
              port: {servers.Expired.Port}
              disable_tls_verification: true
            - type: tls
              host: 127.0.0.1
              port: {servers.WrongHost.Port}
              disable_tls_verification: true
            - type: tls
              host: 127.0.0.1
              port: {servers.SelfSigned.Port}
              disable_tls_verification: true
            - type: tls
              host: 127.0.0.1
              port: {servers.Banner.Port}
              disable_tls_verification: true
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 4 checks failed", run.StatusLine);
        Assert.StartsWith($"tls:127.0.0.1:{servers.Banner.Port} FAILED - tls:127.0.0.1:{servers.Banner.Port}: not TLS", run.Lines[1]);
        Assert.Contains($"tls:127.0.0.1:{servers.Expired.Port} OK", run.Lines);
        Assert.Contains($"tls:127.0.0.1:{servers.WrongHost.Port} OK", run.Lines);
        Assert.Contains($"tls:127.0.0.1:{servers.SelfSigned.Port} OK", run.Lines);
    }

    [Fact]
    public async Task Host_name_is_sent_as_SNI_and_matched_against_the_certificate()
    {
        using var sni = new TlsTestServer(servers.Certificates.Valid.Certificate);
        using var config = new TempConfig($"""
            - type: tls
              host: localhost
              port: {sni.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", servers.Certificates.CaDirectory);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"tls:localhost:{sni.Port} OK", run.Lines[1]);
        Assert.Contains("localhost", sni.ServerNames);
    }

    [Fact]
    public async Task Certificate_expiry_feeds_cert_warn_days_and_cert_crit_days()
    {
        using var config = new TempConfig($"""
            - type: tls
              name: soon
              host: 127.0.0.1
              port: {servers.Expiring5Days.Port}
              cert_warn_days: 10
            - type: tls
              name: very-soon
              host: 127.0.0.1
              port: {servers.Expiring5Days.Port}
              cert_crit_days: 7
            - type: tls
              name: fine
              host: 127.0.0.1
              port: {servers.Valid.Port}
              cert_warn_days: 30
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", servers.Certificates.CaDirectory);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(run.Lines, l => l.StartsWith("very-soon FAILED - certificate expires in ", StringComparison.Ordinal) && l.EndsWith("days (cert_crit_days 7)", StringComparison.Ordinal));
        Assert.Contains(run.Lines, l => l.StartsWith("soon WARNING - certificate expires in ", StringComparison.Ordinal) && l.EndsWith("days (cert_warn_days 10)", StringComparison.Ordinal));
        Assert.Contains("fine OK", run.Lines);
    }

    [Fact]
    public async Task Reachable_false_passes_on_a_closed_port_and_fails_on_an_open_TLS_port()
    {
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: tls
              host: 127.0.0.1
              port: {closed}
              reachable: false
            - type: tls
              host: 127.0.0.1
              port: {servers.Valid.Port}
              reachable: false
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"tls:127.0.0.1:{servers.Valid.Port} FAILED - reachable: connection succeeded, but this path must be closed", run.Lines[1]);
        Assert.Equal($"tls:127.0.0.1:{closed} OK - unreachable as required: connection refused", run.Lines[2]);
    }

    [Fact]
    public async Task Missing_port_is_a_config_error_with_line_and_column()
    {
        using var config = new TempConfig("""
            - type: tcp
              host: 127.0.0.1
              port: 1
            - type: tls
              host: 127.0.0.1
              disable_tls_verification: maybe
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"{config.Path}:6:29: 'disable_tls_verification' must be true or false, got 'maybe'", run.Stderr);
        Assert.Contains($"{config.Path}:4:3: tls check is missing required field 'port'", run.Stderr);
    }
}
