using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

/// <summary>ldap against a real OpenLDAP slapd (tests/servers/protocols.sh: mdb, a base entry and one ou, ldap:// and ldaps://).</summary>
public sealed class LdapCheckTests
{
    private static readonly int Port = TestServers.Port("LDAP");
    private static readonly int TlsPort = TestServers.Port("LDAPS");
    private static readonly string BindDn = TestServers.Get("LDAP_BIND_DN");
    private static readonly string Password = TestServers.Get("LDAP_PASSWORD");
    private static readonly string BaseDn = TestServers.Get("LDAP_BASE_DN");
    private static readonly string CaDir = TestServers.Get("TLS_CA_DIR");

    [Fact]
    public async Task Binds_searches_and_tls_are_each_checked_against_slapd()
    {
        using var config = new TempConfig($$"""
            - { type: ldap, name: bind-ok, host: 127.0.0.1, port: {{Port}}, bind_dn: '{{BindDn}}', password: '{{Password}}' }
            - { type: ldap, name: bind-wrong, host: 127.0.0.1, port: {{Port}}, bind_dn: '{{BindDn}}', password: not-the-password }
            - { type: ldap, name: anonymous, url: 'ldap://127.0.0.1:{{Port}}' }
            - { type: ldap, name: ldaps, url: 'ldaps://127.0.0.1:{{TlsPort}}', bind_dn: '{{BindDn}}', password: '{{Password}}' }
            - { type: ldap, name: ldaps-fields, host: 127.0.0.1, port: {{TlsPort}}, tls: true }
            - { type: ldap, name: starttls, url: 'ldap://127.0.0.1:{{Port}}', starttls: true, bind_dn: '{{BindDn}}', password: '{{Password}}' }
            - { type: ldap, name: found, url: 'ldap://127.0.0.1:{{Port}}', base_dn: '{{BaseDn}}' }
            - { type: ldap, name: found-filter, url: 'ldap://127.0.0.1:{{Port}}', bind_dn: '{{BindDn}}', password: '{{Password}}', base_dn: '{{BaseDn}}', filter: '(&(objectClass=organizationalUnit)(ou=peo*))' }
            - { type: ldap, name: no-such, url: 'ldap://127.0.0.1:{{Port}}', base_dn: 'ou=nobody,{{BaseDn}}' }
            - { type: ldap, name: empty, url: 'ldap://127.0.0.1:{{Port}}', base_dn: '{{BaseDn}}', filter: '(ou=nobody)' }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "--tls-certs-path", CaDir);
        var untrusted = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 3 of 10 checks failed |", run.StatusLine);
        Assert.Equal("bind-ok OK", run.Line("bind-ok"));
        Assert.Contains($" ms) - plain, bound as \"{BindDn}\"\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal($"bind-wrong FAILED - bind: invalid credentials: bind as \"{BindDn}\" refused (LDAP 49 invalidCredentials)", run.Line("bind-wrong"));
        Assert.Equal("anonymous OK", run.Line("anonymous"));
        Assert.Contains(" ms) - plain, anonymous bind\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("ldaps OK", run.Line("ldaps"));
        Assert.Contains($" ms) - ldaps, bound as \"{BindDn}\"\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("ldaps-fields OK", run.Line("ldaps-fields"));
        Assert.Equal("starttls OK", run.Line("starttls"));
        Assert.Contains($" ms) - StartTLS, bound as \"{BindDn}\"\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("found OK", run.Line("found"));
        Assert.Contains($" ms) - plain, anonymous bind, found \"{BaseDn}\"\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal("found-filter OK", run.Line("found-filter"));
        Assert.Contains($" ms) - plain, bound as \"{BindDn}\", found \"ou=people,{BaseDn}\"\n", run.Stdout, StringComparison.Ordinal);
        Assert.Equal($"no-such FAILED - search: no such object: base_dn \"ou=nobody,{BaseDn}\" does not exist (LDAP 32 noSuchObject; the server has \"{BaseDn}\")", run.Line("no-such"));
        Assert.Equal($"empty FAILED - search: search of \"{BaseDn}\" with filter (ou=nobody) returned no entries", run.Line("empty"));

        // Without the test CA the same server is untrusted, over ldaps and over StartTLS alike.
        Assert.True(untrusted.ExitCode == 2, untrusted.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 6 of 10 checks failed |", untrusted.StatusLine);
        Assert.Matches($@"^ldaps FAILED - tls:127\.0\.0\.1:{TlsPort}: certificate untrusted \(unknown issuer CN=", untrusted.Line("ldaps"));
        Assert.Matches(@"^ldaps-fields FAILED - tls:127\.0\.0\.1:\d+: certificate untrusted ", untrusted.Line("ldaps-fields"));
        Assert.Matches(@"^starttls FAILED - bind: StartTLS: certificate untrusted \(unknown issuer CN=", untrusted.Line("starttls"));
        Assert.Equal("bind-ok OK", untrusted.Line("bind-ok"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr + untrusted.Stdout + untrusted.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_speaks_another_protocol_is_not_an_ldap_server()
    {
        await using var web = await HttpTestServer.StartAsync(TestCertificates.Shared.Valid.Certificate);
        using var silent = new SilentServer();
        // Claims a 2 GiB message: the check must refuse it, not allocate it.
        using var huge = new ScriptedTcpServer(async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[] { 0x30, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x02, 0x01, 0x01 }, ct);
            await ScriptedTcpServer.DrainAsync(stream, ct);
        });
        using var config = new TempConfig($$"""
            - { type: ldap, name: at-http, host: 127.0.0.1, port: {{web.HttpPort}}, bind_dn: '{{BindDn}}', password: '{{Password}}' }
            - { type: ldap, name: at-smtp, host: 127.0.0.1, port: {{TestServers.Port("SMTP")}} }
            - { type: ldap, name: at-ssh, host: 127.0.0.1, port: {{TestServers.Port("SSH")}} }
            - { type: ldap, name: at-silent, host: 127.0.0.1, port: {{silent.Port}}, timeout: 1 }
            - { type: ldap, name: at-huge, host: 127.0.0.1, port: {{huge.Port}} }
            - { type: ldap, name: at-closed, host: 127.0.0.1, port: {{Loopback.ClosedPort()}} }
            - { type: ldap, name: ldaps-at-ldap, url: 'ldaps://127.0.0.1:{{Port}}', timeout: 2 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 7 of 7 checks failed |", run.StatusLine);
        Assert.StartsWith("at-http FAILED - bind: not an LDAP server: unexpected reply 'HTTP/1.1 400 ", run.Line("at-http"));
        Assert.StartsWith("at-smtp FAILED - bind: not an LDAP server: unexpected reply '220 ", run.Line("at-smtp"));
        Assert.StartsWith("at-ssh FAILED - bind: not an LDAP server: unexpected reply 'SSH-2.0-OpenSSH_", run.Line("at-ssh"));
        Assert.Equal("at-silent FAILED - bind: timed out after 1s waiting for a reply (not an LDAP server, or it is not answering)", run.Line("at-silent"));
        Assert.Equal("at-huge FAILED - bind: not an LDAP server: a reply of 2147483653 bytes, over the 65536-byte limit", run.Line("at-huge"));
        Assert.Equal("at-closed FAILED - connection refused", run.Line("at-closed"));
        Assert.StartsWith($"ldaps-at-ldap FAILED - tls:127.0.0.1:{Port}: not TLS: ", run.Line("ldaps-at-ldap"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_fw_prints_a_tcp_rule_for_each_ldap_port()
    {
        using var config = new TempConfig($$"""
            - { type: ldap, name: plain, url: 'ldap://127.0.0.1:{{Port}}' }
            - { type: ldap, name: secure, host: 127.0.0.1, port: {{TlsPort}}, tls: true }
            - { type: ldap, name: default-port, url: 'ldaps://127.0.0.2' }
            """);

        var run = await ProcessRunner.ConnCheckAsync("export-fw", config.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"  ports: [{Math.Min(Port, TlsPort)}, {Math.Max(Port, TlsPort)}]\n  protocol: tcp\n  to_host: 127.0.0.1\n", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("  ports: [636]\n  protocol: tcp\n  to_host: 127.0.0.2\n", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Field_mistakes_are_config_errors()
    {
        using var config = new TempConfig("""
            - { type: ldap, name: a, host: 127.0.0.1, bind_nd: 'cn=x', password: x }
            - { type: ldap, name: b, url: 'http://127.0.0.1' }
            - { type: ldap, name: c, url: 'ldaps://127.0.0.1', starttls: true }
            - { type: ldap, name: d, host: 127.0.0.1, base_dn: 'dc=x', filter: '(cn=a' }
            - { type: ldap, name: e, host: 127.0.0.1, bind_dn: 'cn=x' }
            - { type: ldap, name: f }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(3, run.ExitCode);
        var output = run.Stdout + run.Stderr;
        Assert.Contains($"{config.Path}:1:43: unknown field 'bind_nd' for a ldap check (did you mean 'bind_dn'?)", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:2:31: ldap 'url' must be ldap://host[:port] or ldaps://host[:port], not 'http://127.0.0.1'", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:3:62: ldap 'starttls: true' is for ldap://; ldaps:// is TLS from the first byte", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:4:68: invalid LDAP filter '(cn=a' at position 6: expected ')'", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:5:52: ldap 'bind_dn' needs a 'password' (leave both out for an anonymous bind)", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:6:11: an ldap check needs a 'url' or a 'host'", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
