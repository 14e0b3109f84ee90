using System.Text;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

/// <summary>dns against two real dnsmasq servers (tests/servers/protocols.sh): one with the test records, one that answers SERVFAIL.</summary>
public sealed class DnsCheckTests
{
    private static readonly int Port = TestServers.Port("DNS");

    private static string At(string check) => $"{{ type: dns, server: 127.0.0.1, port: {Port}, {check} }}";

    [Fact]
    public async Task Every_record_type_is_compared_with_its_expectation_over_udp_and_tcp()
    {
        using var config = new TempConfig($"""
            - {At("name: a, query: db.internal, expect: [10.1.0.5]")}
            - {At("name: a-exact, query: db.internal, expect: [10.1.0.6, 10.1.0.5], exact: true")}
            - {At("name: a-tcp, query: db.internal, transport: tcp, expect: 10.1.0.6")}
            - {At("name: any-answer, query: db.internal")}
            - {At("name: aaaa, query: v6.internal, record: AAAA, expect: ['fd00::5']")}
            - {At("name: cname, query: alias.internal, record: CNAME, expect: [db.internal]")}
            - {At("name: mx, query: internal, record: mx, expect: [mail.internal]")}
            - {At("name: mx-full, query: internal, record: MX, expect: ['10 mail.internal.']")}
            - {At("name: txt, query: txt.internal, record: TXT, expect: [conn-check test]")}
            - {At("name: srv, query: _ldap._tcp.internal, record: SRV, expect: ['0 100 389 ldap.internal']")}
            - {At("name: ptr, query: 10.1.0.5, record: PTR, expect: [db.internal]")}
            - {At("name: no-recursion, query: db.internal, recursion: false, expect: [10.1.0.5]")}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("CONN-CHECK OK: 12 checks passed |", run.StatusLine);
    }

    [Fact]
    public async Task Nxdomain_servfail_refused_no_data_a_wrong_answer_and_a_timeout_are_told_apart()
    {
        using var silent = new UdpResponder(_ => null);
        using var config = new TempConfig($$"""
            - {{At("name: wrong, query: db.internal, expect: [10.2.0.5]")}}
            - {{At("name: not-exact, query: db.internal, expect: [10.1.0.5], exact: true")}}
            - {{At("name: wrong-tcp, query: db.internal, transport: tcp, expect: [10.2.0.5]")}}
            - {{At("name: nxdomain, query: nope.internal")}}
            - {{At("name: refused, query: example.com")}}
            - {{At("name: no-data, query: txt.internal, record: A")}}
            - { type: dns, name: servfail, server: 127.0.0.1, port: {{TestServers.Port("DNS_SERVFAIL")}}, query: db.internal }
            - { type: dns, name: silent, server: 127.0.0.1, port: {{silent.Port}}, query: db.internal, timeout: 1 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 8 of 8 checks failed |", run.StatusLine);
        var server = $"(server 127.0.0.1:{Port})";
        Assert.StartsWith("wrong FAILED - wrong answer for db.internal A: got 10.1.0.", run.Line("wrong"));
        Assert.EndsWith($", expected 10.2.0.5 {server}", run.Line("wrong"));
        Assert.Matches(@"^not-exact FAILED - wrong answer for db\.internal A: got .*, expected exactly 10\.1\.0\.5 ", run.Line("not-exact"));
        Assert.StartsWith("wrong-tcp FAILED - wrong answer for db.internal A: got ", run.Line("wrong-tcp"));
        Assert.Equal($"nxdomain FAILED - NXDOMAIN: nope.internal does not exist {server}", run.Line("nxdomain"));
        Assert.Equal($"refused FAILED - REFUSED: the server refused to answer for example.com {server}", run.Line("refused"));
        Assert.Equal($"no-data FAILED - no A record for txt.internal: the name exists but has no answer of that type {server}", run.Line("no-data"));
        Assert.Equal($"servfail FAILED - SERVFAIL: the server failed to answer for db.internal (server 127.0.0.1:{TestServers.Port("DNS_SERVFAIL")})", run.Line("servfail"));
        Assert.Equal("silent FAILED - timed out after 1s waiting for a reply (not a DNS server, or it is not answering)", run.Line("silent"));
    }

    [Fact]
    public async Task A_port_that_speaks_another_protocol_is_not_a_dns_server()
    {
        using var garbage = new UdpResponder(_ => Encoding.ASCII.GetBytes("hello, I am not DNS"));
        using var silentTcp = new SilentServer();
        var ssh = TestServers.Port("SSH");
        using var config = new TempConfig($$"""
            - { type: dns, name: at-smtp, server: 127.0.0.1, port: {{TestServers.Port("SMTP")}}, transport: tcp, query: db.internal }
            - { type: dns, name: at-ssh, server: 127.0.0.1, port: {{ssh}}, transport: tcp, query: db.internal }
            - { type: dns, name: at-udp-garbage, server: 127.0.0.1, port: {{garbage.Port}}, query: db.internal }
            - { type: dns, name: at-closed-udp, server: 127.0.0.1, port: {{UdpResponder.ClosedPort()}}, query: db.internal }
            - { type: dns, name: at-closed-tcp, server: 127.0.0.1, port: {{Loopback.ClosedPort()}}, transport: tcp, query: db.internal }
            - { type: dns, name: at-silent-tcp, server: 127.0.0.1, port: {{silentTcp.Port}}, transport: tcp, query: db.internal, timeout: 1 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("at-smtp FAILED - not a DNS server: unexpected reply '", run.Line("at-smtp"));
        Assert.Contains("220 ", run.Line("at-smtp"), StringComparison.Ordinal);
        Assert.StartsWith("at-ssh FAILED - not a DNS server: unexpected reply 'SSH-2.0-OpenSSH", run.Line("at-ssh"));
        Assert.Equal("at-udp-garbage FAILED - not a DNS server: unexpected reply 'hello, I am not DNS'", run.Line("at-udp-garbage"));
        Assert.StartsWith("at-closed-udp FAILED - connection refused: nothing listens on udp port ", run.Line("at-closed-udp"));
        Assert.Equal("at-closed-tcp FAILED - connection refused", run.Line("at-closed-tcp"));
        Assert.Equal("at-silent-tcp FAILED - timed out after 1s waiting for a reply (not a DNS server, or it is not answering)", run.Line("at-silent-tcp"));
    }

    [Fact]
    public async Task Reachable_false_passes_only_when_the_resolver_cannot_be_reached()
    {
        using var config = new TempConfig($$"""
            - { type: dns, name: closed-must-fail, server: 127.0.0.1, port: {{UdpResponder.ClosedPort()}}, query: db.internal, reachable: false }
            - { type: dns, name: open-must-fail, server: 127.0.0.1, port: {{Port}}, query: db.internal, reachable: false }
            - { type: dns, name: open-tcp-must-fail, server: 127.0.0.1, port: {{Port}}, transport: tcp, query: db.internal, reachable: false }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("closed-must-fail OK - unreachable as required: connection refused", run.Line("closed-must-fail"));
        Assert.Equal("open-must-fail FAILED - reachable: got a reply, but this path must be closed", run.Line("open-must-fail"));
        Assert.Equal("open-tcp-must-fail FAILED - reachable: connection succeeded, but this path must be closed", run.Line("open-tcp-must-fail"));
    }

    [Fact]
    public async Task Config_mistakes_are_errors_at_their_position()
    {
        using var config = new TempConfig($$"""
            zones:
              web: {}
            checks:
              - { type: dns, name: one, server: 127.0.0.1, query: db.internal, recrd: A }
              - { type: dns, name: two, server: 127.0.0.1, query: db.internal, record: AXFR }
              - type: dns
                name: three
                query: db.internal
                from: [web]
                zones:
                  webb: { expect: [10.1.0.5] }
              - type: dns
                name: four
                query: db.internal
                from: [web]
                zones:
                  web: { server: 10.9.9.9 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(3, run.ExitCode);
        var output = run.Stdout + run.Stderr;
        Assert.Contains($"{config.Path}:4:68: unknown field 'recrd' for a dns check (did you mean 'record'?)", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:5:76: dns 'record' must be one of A, AAAA, CNAME, MX, TXT, SRV, NS, PTR, got 'AXFR'", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:11:7: zone 'webb' under 'zones' is not one this check runs from (did you mean 'web'?) (from: web)", output, StringComparison.Ordinal);
        Assert.Contains($"{config.Path}:17:14: 'server' cannot be set per zone in a dns check; these can: expect, exact", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }
}
