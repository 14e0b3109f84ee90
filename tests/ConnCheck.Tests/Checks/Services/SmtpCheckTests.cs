using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class SmtpCheckTests
{
    private static readonly int Port = TestServers.Port("SMTP");
    private static readonly int TlsPort = TestServers.Port("SMTPS");
    private static readonly int StartTlsPort = TestServers.Port("SMTP_STARTTLS");
    private static readonly string Password = TestServers.Get("SMTP_PASSWORD");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        var helo = TestServers.Port("SMTP_HELO");
        using var config = new TempConfig($$"""
            - { type: smtp, name: smtp-plain-ok, host: 127.0.0.1, port: {{Port}}, use_tls: false }
            - { type: smtp, name: smtp-auth-ok, host: 127.0.0.1, port: {{Port}}, use_tls: false, username: app, password: '{{Password}}' }
            - { type: smtp, name: smtps-ok, host: 127.0.0.1, port: {{TlsPort}}, username: app, password: '{{Password}}' }
            - { type: smtp, name: starttls-ok, host: 127.0.0.1, port: {{StartTlsPort}}, use_tls: false, starttls: true, username: app, password: '{{Password}}' }
            - { type: smtp, name: helo-fallback-ok, host: 127.0.0.1, port: {{helo}}, use_tls: false, helo_fallback: true }
            - { type: smtp, name: smtp-wrong-password, host: 127.0.0.1, port: {{Port}}, use_tls: false, username: app, password: not-the-password }
            - { type: smtp, name: smtp-auth-needs-starttls, host: 127.0.0.1, port: {{StartTlsPort}}, use_tls: false, username: app, password: '{{Password}}' }
            - { type: smtp, name: smtp-helo-only, host: 127.0.0.1, port: {{helo}}, use_tls: false }
            - { type: smtp, name: smtp-default-tls-on-plain-port, host: 127.0.0.1, port: {{Port}} }
            - { type: smtp, name: smtp-closed, host: 127.0.0.1, port: {{closed}}, use_tls: false }
            - { type: smtp, name: smtp-at-mysql, host: 127.0.0.1, port: {{TestServers.Port("MYSQL")}}, use_tls: false }
            - { type: smtp, name: smtp-at-redis, host: 127.0.0.1, port: {{TestServers.Port("REDIS")}}, use_tls: false, timeout: 2 }
            - { type: smtp, name: smtp-silent, host: 127.0.0.1, port: {{silent.Port}}, use_tls: false, timeout: 2 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", TestServers.Get("TLS_CA_DIR"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 8 of 13 checks failed |", run.StatusLine);
        Assert.Equal("smtp-plain-ok OK", run.Line("smtp-plain-ok"));
        Assert.Equal("smtp-auth-ok OK", run.Line("smtp-auth-ok"));
        Assert.Equal("smtps-ok OK", run.Line("smtps-ok"));
        Assert.Equal("starttls-ok OK", run.Line("starttls-ok"));
        Assert.Equal("helo-fallback-ok OK", run.Line("helo-fallback-ok"));
        Assert.Equal("smtp-wrong-password FAILED - connect with auth: authentication failed for user \"app\": 535: 5.7.8 Authentication credentials invalid", run.Line("smtp-wrong-password"));
        Assert.Equal("smtp-auth-needs-starttls FAILED - connect with auth: auth: The SMTP server does not support authentication. (it may offer AUTH only over TLS: try starttls: true)", run.Line("smtp-auth-needs-starttls"));
        Assert.Equal("smtp-helo-only FAILED - connect: the server refused EHLO (set helo_fallback: true to accept a HELO-only server)", run.Line("smtp-helo-only"));
        Assert.StartsWith($"smtp-default-tls-on-plain-port FAILED - tls:127.0.0.1:{Port}: not TLS: the server did not answer the handshake (it sent \"220 ", run.Line("smtp-default-tls-on-plain-port"));
        Assert.Equal("smtp-closed FAILED - connection refused", run.Line("smtp-closed"));
        Assert.StartsWith("smtp-at-mysql FAILED - connect: not an SMTP server: ", run.Line("smtp-at-mysql"));
        Assert.Equal("smtp-at-redis FAILED - connect: timed out after 2s waiting for a reply (not an SMTP server, or it is not answering)", run.Line("smtp-at-redis"));
        Assert.Equal("smtp-silent FAILED - connect: timed out after 2s waiting for a reply (not an SMTP server, or it is not answering)", run.Line("smtp-silent"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sends_the_message_only_when_both_addresses_are_given()
    {
        var subject = "conn-check test " + Guid.NewGuid().ToString("N");
        var maildir = TestServers.Get("SMTP_MAILDIR");
        var fields = new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = StartTlsPort, ["use_tls"] = false, ["starttls"] = true, ["username"] = "app", ["password"] = Password, ["subject"] = subject, ["message"] = "hello from conn-check" };
        var tls = TlsSettings.FromDirectory(TestServers.Get("TLS_CA_DIR"));

        var noRecipient = await TestServers.RunAsync("smtp", new Dictionary<string, object>(fields) { ["from_address"] = "checker@example.com" }, tls: tls);
        Assert.Equal(CheckStatus.Ok, noRecipient.Status);
        Assert.DoesNotContain(Directory.Exists(maildir) ? Directory.GetFiles(maildir) : [], f => File.ReadAllText(f).Contains(subject, StringComparison.Ordinal));

        var sent = await TestServers.RunAsync("smtp", new Dictionary<string, object>(fields) { ["from_address"] = "checker@example.com", ["to_address"] = "ops@example.com" }, tls: tls);
        Assert.Equal(CheckStatus.Ok, sent.Status);
        Assert.Equal([$"tcp:127.0.0.1:{StartTlsPort}", "connect with auth"], sent.SubChecks.Select(s => s.Name));
        Assert.Equal("TLS, user app, message sent to ops@example.com", sent.SubChecks[1].Message);
        Assert.NotNull(sent.CertificateNotAfter);
        var mail = Assert.Single(Directory.GetFiles(maildir), f => File.ReadAllText(f).Contains(subject, StringComparison.Ordinal));
        var text = File.ReadAllText(mail);
        Assert.Contains("X-Envelope-From: checker@example.com", text, StringComparison.Ordinal);
        Assert.Contains("X-Envelope-To: ops@example.com", text, StringComparison.Ordinal);
        Assert.Contains("hello from conn-check", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Implicit_tls_is_verified_against_the_extra_roots()
    {
        var fields = new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = TlsPort };

        var trusted = await TestServers.RunAsync("smtp", fields, tls: TlsSettings.FromDirectory(TestServers.Get("TLS_CA_DIR")));
        var untrusted = await TestServers.RunAsync("smtp", fields);

        Assert.Equal(CheckStatus.Ok, trusted.Status);
        Assert.Equal([$"tcp:127.0.0.1:{TlsPort}", $"tls:127.0.0.1:{TlsPort}", "connect"], trusted.SubChecks.Select(s => s.Name));
        Assert.NotNull(trusted.CertificateNotAfter);
        Assert.Equal(CheckStatus.Failed, untrusted.Status);
        Assert.StartsWith($"tls:127.0.0.1:{TlsPort}: certificate untrusted", untrusted.Reason);
    }

    [Fact]
    public async Task Use_tls_with_starttls_is_a_config_error()
    {
        using var config = new TempConfig($"""
            - type: smtp
              host: 127.0.0.1
              port: {Port}
              use_tls: true
              starttls: true
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--validate");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal($"{config.Path}:5:13: smtp 'starttls: true' needs 'use_tls: false' (use_tls is TLS from the first byte)", run.Stderr.Trim());
    }
}
