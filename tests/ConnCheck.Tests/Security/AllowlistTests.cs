using System.Net;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>The agent allowlist as a plain class: parsing, matching, refusal words.</summary>
public sealed class AllowlistTests
{
    [Theory]
    [InlineData("10.0.0.0/24:5432", "10.0.0.5", 5432, true)]
    [InlineData("10.0.0.0/24:5432", "10.0.1.5", 5432, false)]
    [InlineData("10.0.0.0/24:5432", "10.0.0.5", 5433, false)]
    [InlineData("10.0.0.7:80,443", "10.0.0.7", 443, true)]
    [InlineData("10.0.0.7:80,443", "10.0.0.8", 443, false)]
    [InlineData("10.0.0.7:80,443", "10.0.0.7", 8080, false)]
    [InlineData("172.16.0.0/12:8000-8100", "172.31.255.255", 8100, true)]
    [InlineData("172.16.0.0/12:8000-8100", "172.32.0.1", 8050, false)]
    [InlineData("172.16.0.0/12:8000-8100", "172.16.0.1", 8101, false)]
    [InlineData("10.0.0.0/9:*", "10.127.1.1", 1, true)]
    [InlineData("10.0.0.0/9:*", "10.128.1.1", 1, false)]
    [InlineData("0.0.0.0/0:22", "192.0.2.1", 22, true)]
    [InlineData("::1/128:5432", "::1", 5432, true)]
    [InlineData("[2001:db8::]/32:443", "2001:db8:ffff::1", 443, true)]
    [InlineData("[2001:db8::]/32:443", "2001:db9::1", 443, false)]
    [InlineData("10.0.0.5:22", "::ffff:10.0.0.5", 22, true)]
    [InlineData("10.0.0.5:22", "::1", 22, false)]
    public void Entries_match_addresses_and_ports(string entry, string address, int port, bool allowed)
    {
        var allowlist = Allowlist.Parse([entry]);

        Assert.Equal(allowed, allowlist.Allows(IPAddress.Parse(address), port));
    }

    [Theory]
    [InlineData("10.0.0.0/24", "expected CIDR:PORTS")]
    [InlineData("10.0.0.0/24:", "expected CIDR:PORTS")]
    [InlineData("db.internal:5432", "'db.internal' is not an IP address")]
    [InlineData("10.0.0.0/33:80", "prefix length must be 0-32")]
    [InlineData("10.0.0.0/-1:80", "prefix length must be 0-32")]
    [InlineData("10.0.0.1:0", "'0' is not a port")]
    [InlineData("10.0.0.1:70000", "'70000' is not a port")]
    [InlineData("10.0.0.1:http", "'http' is not a port")]
    [InlineData("10.0.0.1:90-80", "port range 90-80 runs backwards")]
    [InlineData("10.0.0.1:80,", "'' is not a port")]
    public void Malformed_entries_are_refused_with_the_reason(string entry, string why)
    {
        var error = Assert.Throws<FormatException>(() => Allowlist.Parse([entry]));

        Assert.Equal($"bad allowlist entry '{entry}': ", error.Message[..$"bad allowlist entry '{entry}': ".Length]);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_names_the_destination_and_every_rule()
    {
        var allowlist = Allowlist.Parse(["10.0.0.0/24:5432", "10.0.1.0/24:80,443"]);

        Assert.Null(await allowlist.RefusalAsync(new Destination("10.0.0.5", 5432), CancellationToken.None));
        Assert.Equal(
            "refused by agent allowlist: 10.0.0.5:22 not in 10.0.0.0/24:5432, 10.0.1.0/24:80,443",
            await allowlist.RefusalAsync(new Destination("10.0.0.5", 22), CancellationToken.None));
        Assert.Equal(
            "refused by agent allowlist: localhost (127.0.0.1:5432) not in 10.0.0.0/24:5432, 10.0.1.0/24:80,443",
            await allowlist.RefusalAsync(new Destination("localhost", 5432), CancellationToken.None));
        Assert.Equal(
            "refused by agent allowlist: unix socket /var/run/postgresql is not a network destination",
            await allowlist.RefusalAsync(new Destination("/var/run/postgresql", 5432), CancellationToken.None));
        Assert.StartsWith(
            "refused by agent allowlist: cannot resolve no-such-host.invalid to check it (",
            await allowlist.RefusalAsync(new Destination("no-such-host.invalid", 80), CancellationToken.None));
    }

    [Fact]
    public async Task A_host_name_is_allowed_only_when_every_address_it_resolves_to_is()
    {
        var allowlist = Allowlist.Parse(["127.0.0.1/32:80"]);

        Assert.Null(await allowlist.RefusalAsync(new Destination("localhost", 80), CancellationToken.None));
        Assert.Equal(
            "refused by agent allowlist: localhost (127.0.0.1:81) not in 127.0.0.1/32:80",
            await allowlist.RefusalAsync(new Destination("localhost", 81), CancellationToken.None));
    }

    [Fact]
    public void An_empty_allowlist_is_an_error_rather_than_deny_all_by_accident()
    {
        Assert.Throws<FormatException>(() => Allowlist.Parse([]));
    }
}

/// <summary>A real agent started with --allow (and one with conn-check.agent.allow in HOCON).</summary>
public sealed class AgentAllowlistProcessTests
{
    [Fact]
    public async Task An_agent_refuses_checks_outside_its_allowlist_without_connecting_and_runs_the_rest()
    {
        using var allowed = new AcceptingListener();
        using var forbidden = new AcceptingListener();
        using var redirectTarget = new AcceptingListener();
        using var redirector = new ScriptedTcpServer(async (stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[4096], ct);
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(
                $"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{redirectTarget.Port}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), ct);
        });
        await using var agent = await AgentProcess.StartAsync("fenced", "fenced-1", extraArgs:
            ["--allow", $"127.0.0.1:{allowed.Port}", "--allow", $"127.0.0.0/8:{redirector.Port},{allowed.Port}"]);
        using var config = new TempConfig($"""
            - type: tcp
              from: fenced
              host: 127.0.0.1
              port: {allowed.Port}
            - type: tcp
              from: fenced
              host: localhost
              port: {forbidden.Port}
            - type: tcp
              from: fenced
              host: 127.0.0.1
              port: {forbidden.Port}
              reachable: false
            - type: http
              from: fenced
              url: http://127.0.0.1:{redirector.Port}/
              allow_redirects: true
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"fenced={agent.Address}");

        var rules = $"127.0.0.1:{allowed.Port}, 127.0.0.0/8:{redirector.Port},{allowed.Port}";
        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"fenced/fenced-1 tcp:127.0.0.1:{allowed.Port} OK", run.Lines);
        Assert.Contains($"fenced/fenced-1 tcp:localhost:{forbidden.Port} FAILED - refused by agent allowlist: localhost (127.0.0.1:{forbidden.Port}) not in {rules}", run.Lines);
        Assert.Contains($"fenced/fenced-1 tcp:127.0.0.1:{forbidden.Port} FAILED - refused by agent allowlist: 127.0.0.1:{forbidden.Port} not in {rules}", run.Lines);
        Assert.True(run.Lines.Any(l => l.StartsWith($"fenced/fenced-1 http:http://127.0.0.1:{redirector.Port}/ FAILED - ", StringComparison.Ordinal)
            && l.EndsWith($"refused by agent allowlist: 127.0.0.1:{redirectTarget.Port} not in {rules}", StringComparison.Ordinal)), run.ToString());
        Assert.Equal(0, await forbidden.SettledCountAsync());
        Assert.Equal(0, await redirectTarget.SettledCountAsync());
        Assert.Equal(1, await allowed.SettledCountAsync());
        Assert.Contains($"allowlist: {rules}", agent.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_allowlist_can_come_from_hocon_and_a_bad_entry_stops_the_agent_at_start()
    {
        using var open = new AcceptingListener();
        using var hocon = new TempConfig($"conn-check.agent.allow = [\"10.9.9.0/24:*\"]", "allow.hocon");
        await using var agent = await AgentProcess.StartAsync("fenced", "fenced-2", extraArgs: ["--hocon", hocon.Path]);
        using var config = new TempConfig($"""
            - type: tcp
              from: fenced
              host: 127.0.0.1
              port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"fenced={agent.Address}");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"fenced/fenced-2 tcp:127.0.0.1:{open.Port} FAILED - refused by agent allowlist: 127.0.0.1:{open.Port} not in 10.9.9.0/24:*", run.Lines);
        Assert.Equal(0, await open.SettledCountAsync());

        var bad = await ProcessRunner.RunAsync(Repo.AgentDll, ["--zone", "fenced", "--bind", $"127.0.0.1:{Loopback.ClosedPort()}", "--allow", "db.internal:5432"], null, TimeSpan.FromSeconds(60));
        Assert.Equal(3, bad.ExitCode);
        Assert.Equal("conn-check-agent: bad allowlist entry 'db.internal:5432': 'db.internal' is not an IP address (host names are not allowed: they can change)", bad.Stderr.Trim());
    }
}
