using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

/// <summary>ssh against a real OpenSSH sshd (tests/servers/protocols.sh: its own config, host key and throwaway user).</summary>
public sealed class SshCheckTests
{
    private static readonly int Port = TestServers.Port("SSH");
    private static readonly string User = TestServers.Get("SSH_USER");
    private static readonly string Password = TestServers.Get("SSH_PASSWORD");
    private static readonly string HostKey = TestServers.Get("SSH_HOST_KEY_SHA256");

    // A well-formed fingerprint of some other key.
    private const string OtherKey = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    [Fact]
    public async Task Banner_host_key_pin_and_credentials_are_each_checked()
    {
        using var config = new TempConfig($$"""
            - { type: ssh, name: banner-only, host: 127.0.0.1, port: {{Port}} }
            - { type: ssh, name: pin-ok, host: 127.0.0.1, port: {{Port}}, host_key_sha256: '{{HostKey}}' }
            - { type: ssh, name: pin-wrong, host: 127.0.0.1, port: {{Port}}, host_key_sha256: '{{OtherKey}}' }
            - { type: ssh, name: password-ok, host: 127.0.0.1, port: {{Port}}, username: {{User}}, password: '{{Password}}', host_key_sha256: '{{HostKey}}' }
            - { type: ssh, name: password-wrong, host: 127.0.0.1, port: {{Port}}, username: {{User}}, password: not-the-password }
            - { type: ssh, name: password-ok-pin-wrong, host: 127.0.0.1, port: {{Port}}, username: {{User}}, password: '{{Password}}', host_key_sha256: '{{OtherKey}}' }
            - { type: ssh, name: key-ok, host: 127.0.0.1, port: {{Port}}, username: {{User}}, private_key_file: '{{TestServers.Get("SSH_CLIENT_KEY")}}' }
            - { type: ssh, name: key-missing, host: 127.0.0.1, port: {{Port}}, username: {{User}}, private_key_file: /nonexistent/conn-check-key }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 4 of 8 checks failed |", run.StatusLine);
        Assert.Equal("banner-only OK", run.Line("banner-only"));
        Assert.Matches(@"\n    banner OK \([0-9.]+ ms\) - SSH-2\.0-OpenSSH_", run.Stdout);
        Assert.Equal("pin-ok OK", run.Line("pin-ok"));
        Assert.Contains($" ms) - host key ssh-ed25519 {HostKey}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal($"pin-wrong FAILED - host key: host key mismatch: the server's key is ssh-ed25519 {HostKey}, expected {OtherKey} (the host was rebuilt, or something is in the middle)", run.Line("pin-wrong"));
        Assert.Equal("password-ok OK", run.Line("password-ok"));
        Assert.Contains($" ms) - authenticated as {User}, host key ssh-ed25519 {HostKey}\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal($"password-wrong FAILED - auth: authentication failed for user \"{User}\": Permission denied (password).", run.Line("password-wrong"));
        Assert.StartsWith("password-ok-pin-wrong FAILED - auth: host key mismatch: ", run.Line("password-ok-pin-wrong"));
        Assert.Equal("key-ok OK", run.Line("key-ok"));
        Assert.StartsWith("key-missing FAILED - auth: cannot read private_key_file: ", run.Line("key-missing"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_speaks_another_protocol_is_not_an_ssh_server()
    {
        await using var web = await HttpTestServer.StartAsync(TestCertificates.Shared.Valid.Certificate);
        using var silent = new SilentServer();
        using var config = new TempConfig($$"""
            - { type: ssh, name: at-smtp, host: 127.0.0.1, port: {{TestServers.Port("SMTP")}} }
            - { type: ssh, name: at-http, host: 127.0.0.1, port: {{web.HttpPort}} }
            - { type: ssh, name: at-dns, host: 127.0.0.1, port: {{TestServers.Port("DNS")}}, timeout: 1 }
            - { type: ssh, name: at-silent, host: 127.0.0.1, port: {{silent.Port}}, timeout: 1 }
            - { type: ssh, name: at-closed, host: 127.0.0.1, port: {{Loopback.ClosedPort()}} }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 5 of 5 checks failed |", run.StatusLine);
        Assert.StartsWith("at-smtp FAILED - banner: not an SSH server: unexpected greeting '220 ", run.Line("at-smtp"));
        Assert.StartsWith("at-http FAILED - banner: not an SSH server: unexpected greeting 'HTTP/1.1 400 ", run.Line("at-http"));
        Assert.Equal("at-dns FAILED - banner: timed out after 1s waiting for a reply (not an SSH server, or it is not answering)", run.Line("at-dns"));
        Assert.Equal("at-silent FAILED - banner: timed out after 1s waiting for a reply (not an SSH server, or it is not answering)", run.Line("at-silent"));
        Assert.Equal("at-closed FAILED - connection refused", run.Line("at-closed"));
    }

    [Fact]
    public async Task Field_mistakes_are_config_errors()
    {
        using var config = new TempConfig("""
            - { type: ssh, name: a, host: 127.0.0.1, usrname: app, password: x }
            - { type: ssh, name: b, host: 127.0.0.1, host_key_sha256: 'MD5:12:34' }
            - { type: ssh, name: c, host: 127.0.0.1, username: app }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(3, run.ExitCode);
        var output = run.Stdout + run.Stderr;
        Assert.Contains($"{config.Path}:1:42: unknown field 'usrname' for a ssh check (did you mean 'username'?)", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:2:59: ssh 'host_key_sha256' must be a fingerprint as ssh-keygen -lf prints it: SHA256:...", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:3:52: ssh 'username' needs a 'password' or a 'private_key_file'", output, StringComparison.Ordinal);
    }
}
