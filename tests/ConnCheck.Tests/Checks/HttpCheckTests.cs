using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks;

/// <summary>Kestrel (http and https), two forward proxies and a TLS server with an expired certificate.</summary>
public sealed class HttpServers : IAsyncLifetime
{
    public const string ProxyUser = "proxy-user";
    public const string ProxyPassword = "pr0xy-Secret-77";

    private HttpTestServer? web;

    public TestCertificates Certificates { get; } = TestCertificates.Shared;

    public HttpTestServer Web => web ?? throw new InvalidOperationException("the HTTP test server did not start");

    public ForwardProxy Proxy { get; } = new();

    public ForwardProxy AuthProxy { get; } = new(ProxyUser, ProxyPassword);

    public TlsTestServer? ExpiredTls { get; private set; }

    public async Task InitializeAsync()
    {
        web = await HttpTestServer.StartAsync(Certificates.Valid.Certificate);
        ExpiredTls = new TlsTestServer(Certificates.Expired.Certificate);
    }

    public async Task DisposeAsync()
    {
        if (web is not null)
        {
            await web.DisposeAsync();
        }

        ExpiredTls?.Dispose();
        Proxy.Dispose();
        AuthProxy.Dispose();
    }
}

public sealed class HttpCheckTests(HttpServers servers) : IClassFixture<HttpServers>
{
    private HttpTestServer Web => servers.Web;

    private string CaArgs => servers.Certificates.CaDirectory;

    [Fact]
    public async Task Status_codes_redirects_and_request_shaping_are_checked_against_a_real_server()
    {
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: http
              url: {Web.Http}/ok
            - type: http
              url: {Web.Http}/status/503
            - type: http
              url: {Web.Http}/status/503
              expected_code: 503
            - type: http
              url: {Web.Http}/redirect
            - type: http
              name: followed
              url: {Web.Http}/redirect
              allow_redirects: true
            - type: http
              url: {Web.Http}/loop/a
              allow_redirects: true
            - type: http
              url: http://127.0.0.1:{closed}/
            - type: http
              url: {Web.Http}/chain/0
              allow_redirects: true
            - type: http
              name: head
              url: {Web.Http}/redirect
              method: HEAD
              allow_redirects: true
            - type: http
              url: {Web.Http}/headers
              headers:
                X-Conn-Check: "yes"
            - type: http
              name: no-header
              url: {Web.Http}/headers
            - type: http
              url: {Web.Http}/cookies
              cookies:
                flavour: oatmeal
                session: abc
            - type: http
              url: {Web.Http}/params?keep=yes
              params:
                q: conn check
                n: 1
            - type: http
              url: {Web.Http}/body
              method: post
              body: ping
              headers:
                Content-Type: text/plain
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 6 of 14 checks failed", run.StatusLine);
        var web = $"http:{Web.Http}";
        Assert.Contains($"{web}/ok OK", run.Lines);
        Assert.Contains($"{web}/status/503 FAILED - {web}/status/503: unexpected status 503 (expected 200)", run.Lines);
        Assert.Contains($"{web}/status/503 OK", run.Lines);
        Assert.Contains($"{web}/redirect FAILED - {web}/redirect: unexpected status 302 (expected 200), redirect to /ok", run.Lines);
        Assert.Contains("followed OK", run.Lines);
        Assert.Contains($"{web}/loop/a FAILED - {web}/loop/a: redirect loop: /loop/a -> /loop/b -> /loop/a", run.Lines);
        Assert.Contains($"http:http://127.0.0.1:{closed}/ FAILED - connection refused", run.Lines);
        Assert.Contains($"{web}/chain/0 FAILED - {web}/chain/0: too many redirects (more than 10), last to /chain/11", run.Lines);
        Assert.Contains("head OK", run.Lines);
        Assert.Contains(Web.Seen, r => r.Method == "HEAD" && r.PathAndQuery == "/ok");
        Assert.Contains($"{web}/headers OK", run.Lines);
        Assert.Contains($"no-header FAILED - {web}/headers: unexpected status 412 (expected 200)", run.Lines);
        Assert.Contains($"{web}/cookies OK", run.Lines);
        Assert.Contains($"{web}/params?keep=yes OK", run.Lines);
        Assert.Contains($"{web}/body OK", run.Lines);

        // The loop was stopped by detection, not by running into a limit.
        Assert.InRange(Web.Seen.Count(r => r.PathAndQuery.StartsWith("/loop/", StringComparison.Ordinal)), 2, 3);
    }

    [Fact]
    public async Task Https_passes_with_the_private_CA_and_reports_TLS_failures_like_the_tls_check()
    {
        using var config = new TempConfig($"""
            - type: https
              url: {Web.Https}/ok
            - type: http
              url: https://127.0.0.1:{servers.ExpiredTls!.Port}/
            - type: http
              url: https://127.0.0.1:{Web.HttpPort}/ok
            - type: http
              name: expiring
              url: {Web.Https}/ok
              cert_crit_days: 400
            """);

        var trusted = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", CaArgs);
        var untrusted = await ProcessRunner.ConnCheckAsync(config.Path, "-v");

        Assert.True(trusted.ExitCode == 2, trusted.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 3 of 4 checks failed", trusted.StatusLine);
        Assert.Contains($"http:{Web.Https}/ok OK", trusted.Lines);
        var expired = $"http:https://127.0.0.1:{servers.ExpiredTls.Port}/";
        Assert.Contains($"{expired} FAILED - {expired}: certificate expired on 2026-01-01", trusted.Lines);
        var plain = $"http:https://127.0.0.1:{Web.HttpPort}/ok";
        Assert.Contains(trusted.Lines, l => l.StartsWith($"{plain} FAILED - {plain}: not TLS: the server did not answer the handshake (it sent \"HTTP/1.1 400 Bad Request", StringComparison.Ordinal));
        Assert.Contains(trusted.Lines, l => l.StartsWith("expiring FAILED - certificate expires in ", StringComparison.Ordinal) && l.EndsWith("(cert_crit_days 400)", StringComparison.Ordinal));

        Assert.True(untrusted.ExitCode == 2, untrusted.ToString());
        Assert.Contains($"http:{Web.Https}/ok FAILED - http:{Web.Https}/ok: certificate untrusted (unknown issuer CN={TestCertificates.CaName})", untrusted.Lines);
    }

    [Fact]
    public async Task Disable_tls_verification_accepts_an_untrusted_certificate()
    {
        using var config = new TempConfig($"""
            - type: https
              url: {Web.Https}/ok
              disable_tls_verification: true
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"http:{Web.Https}/ok OK", run.Lines[1]);
    }

    [Fact]
    public async Task Basic_and_digest_auth_work_and_their_passwords_never_appear_in_any_output()
    {
        using var config = new TempConfig($"""
            - type: http
              name: basic-good
              url: {Web.Http}/basic
              auth: [{HttpTestServer.User}, {HttpTestServer.Password}]
            - type: http
              name: basic-bad
              url: {Web.Http}/basic
              auth: [{HttpTestServer.User}, wrong-{HttpTestServer.Password}]
            - type: http
              name: digest-good
              url: {Web.Https}/digest
              digest_auth: [{HttpTestServer.User}, {HttpTestServer.Password}]
            - type: http
              name: digest-bad
              url: {Web.Http}/digest
              digest_auth: [{HttpTestServer.User}, wrong-{HttpTestServer.Password}]
            - type: http
              name: url-credentials
              url: http://{HttpTestServer.User}:{HttpTestServer.Password}@127.0.0.1:{Web.HttpPort}/basic
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "--tls-certs-path", CaArgs);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("basic-good OK", run.Lines);
        Assert.Contains("digest-good OK", run.Lines);
        Assert.Contains("url-credentials OK", run.Lines);
        Assert.Contains($"basic-bad FAILED - http:{Web.Http}/basic: unexpected status 401 (expected 200)", run.Lines);
        Assert.Contains($"digest-bad FAILED - http:{Web.Http}/digest: unexpected status 401 (expected 200)", run.Lines);
        Assert.DoesNotContain(HttpTestServer.Password, run.Stdout + run.Stderr, StringComparison.Ordinal);

        // The digest password went over the wire only as a digest: the server never saw a Basic header on /digest.
        var digests = Web.Seen.Where(r => r.PathAndQuery == "/digest").ToList();
        Assert.Contains(digests, r => r.Authorization?.StartsWith("Digest username=\"checker\"", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(digests, r => r.Authorization?.StartsWith("Basic", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Url_credentials_never_appear_in_names_dry_run_or_reports()
    {
        using var config = new TempConfig($"""
            - type: http
              url: http://{HttpTestServer.User}:{HttpTestServer.Password}@127.0.0.1:{Web.HttpPort}/status/500
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v");
        var dryRun = await ProcessRunner.ConnCheckAsync(config.Path, "--dry-run");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"http:{Web.Http}/status/500 FAILED - http:{Web.Http}/status/500: unexpected status 500 (expected 200)", run.Lines[1]);
        Assert.Contains($"local: http:{Web.Http}/status/500 -> tcp 127.0.0.1:{Web.HttpPort}", dryRun.Lines);
        Assert.DoesNotContain(HttpTestServer.Password, run.Stdout + run.Stderr + dryRun.Stdout + dryRun.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(HttpTestServer.User + ":", run.Stdout + dryRun.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proxy_settings_send_the_request_through_the_proxy()
    {
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: http
              name: via-proxy-url
              url: {Web.Http}/status/201
              expected_code: 201
              proxy_url: {servers.Proxy.Url}
            - type: https
              name: tunnel
              url: {Web.Https}/status/202
              expected_code: 202
              proxy_host: 127.0.0.1
              proxy_port: {servers.Proxy.Port}
            - type: http
              name: authenticated-proxy
              url: {Web.Http}/status/203
              expected_code: 203
              proxy_url: http://{HttpServers.ProxyUser}:{HttpServers.ProxyPassword}@127.0.0.1:{servers.AuthProxy.Port}
            - type: http
              name: proxy-down
              url: {Web.Http}/ok
              proxy_url: http://127.0.0.1:{closed}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "--tls-certs-path", CaArgs);
        var dryRun = await ProcessRunner.ConnCheckAsync(config.Path, "--dry-run");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("via-proxy-url OK", run.Lines);
        Assert.Contains("tunnel OK", run.Lines);
        Assert.Contains("authenticated-proxy OK", run.Lines);
        Assert.Contains("proxy-down FAILED - connection refused", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith($"tcp:127.0.0.1:{closed} FAILED", StringComparison.Ordinal));
        Assert.Contains($"GET {Web.Http}/status/201 HTTP/1.1", servers.Proxy.RequestLines);
        Assert.Contains($"CONNECT 127.0.0.1:{Web.HttpsPort} HTTP/1.1", servers.Proxy.RequestLines);
        Assert.Contains($"GET {Web.Http}/status/203 HTTP/1.1", servers.AuthProxy.RequestLines);
        Assert.DoesNotContain(HttpServers.ProxyPassword, run.Stdout + run.Stderr + dryRun.Stdout, StringComparison.Ordinal);

        // The firewall destination of a proxied check is the proxy.
        Assert.Contains($"local: via-proxy-url -> tcp 127.0.0.1:{servers.Proxy.Port}", dryRun.Lines);
        Assert.Contains($"local: tunnel -> tcp 127.0.0.1:{servers.Proxy.Port}", dryRun.Lines);
    }

    [Fact]
    public async Task Endless_bodies_are_not_read_and_slow_servers_time_out()
    {
        using var config = new TempConfig($"""
            - type: http
              url: {Web.Http}/endless
            - type: http
              url: {Web.Http}/slow
              timeout: 1
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"http:{Web.Http}/endless OK", run.Lines);
        Assert.Contains($"http:{Web.Http}/slow FAILED - http:{Web.Http}/slow: timed out after 1s", run.Lines);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(20), run.ToString());
    }

    [Fact]
    public async Task Reachable_false_passes_on_a_closed_port_and_fails_on_an_open_one()
    {
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: http
              url: http://127.0.0.1:{closed}/
              reachable: false
            - type: https
              url: {Web.Https}/ok
              reachable: false
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"http:{Web.Https}/ok FAILED - reachable: connection succeeded, but this path must be closed", run.Lines[1]);
        Assert.Equal($"http:http://127.0.0.1:{closed}/ OK - unreachable as required: connection refused", run.Lines[2]);
    }

    [Fact]
    public async Task Contradictory_fields_are_config_errors_with_line_and_column()
    {
        using var config = new TempConfig("""
            - type: http
              url: http://127.0.0.1:1/
              proxy_port: 3128
            - type: http
              url: http://127.0.0.1:1/
              proxy_url: http://127.0.0.1:3128
              proxy_host: 127.0.0.1
            - type: http
              url: http://127.0.0.1:1/
              auth: [a, b]
              digest_auth: [a, b]
            - type: http
              url: http://127.0.0.1:1/
              method: "GET /x"
            - type: http
              url: ftp://127.0.0.1/
            - type: http
              url: http://127.0.0.1:1/
              expected_code: 42
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"{config.Path}:3:15: proxy_port needs proxy_host", run.Stderr);
        Assert.Contains($"{config.Path}:7:15: set either proxy_url or proxy_host (with proxy_port), not both", run.Stderr);
        Assert.Contains($"{config.Path}:11:16: set either auth (basic) or digest_auth, not both", run.Stderr);
        Assert.Contains($"{config.Path}:14:11: 'method' must be an HTTP method such as GET, HEAD or POST", run.Stderr);
        Assert.Contains($"{config.Path}:16:8: 'url' is not a valid http or https URL", run.Stderr);
        Assert.Contains($"{config.Path}:19:18: 'expected_code' must be an HTTP status code between 100 and 599", run.Stderr);
    }
}
