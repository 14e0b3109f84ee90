using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// export-fw on a real zones network, then convert-fw's iptables rules applied as the ONLY egress
/// firewall (OUTPUT policy DROP on every host): every path the config needs works, every path it
/// says must stay closed is closed.
/// </summary>
[Collection(ZonesCollection.Name)]
public sealed class ExportFwTests(OpenNetworkFixture fixture) : IClassFixture<OpenNetworkFixture>
{
    private ZoneNetwork Net => fixture.Network;

    [Fact]
    public async Task Exported_rules_converted_to_iptables_are_exactly_the_egress_the_checks_need()
    {
        using var config = new TempConfig(ZoneConfigs.Zoned(Net));
        var svc = Net.Services;

        var export = await Net.ConnCheckAsync("export-fw", config.Path, "--seed", Net.Seed);

        Assert.True(export.ExitCode == 0, export.ToString());
        var rules = string.Join('\n', export.Stdout.Split('\n').Where(l => !l.StartsWith('#')));
        string Rule(string host, string zone, string ports, string protocol) =>
            $"- from_host: {host}\n  from_zone: {zone}\n  ports: [{ports}]\n  protocol: {protocol}\n  to_host: {svc}\n";
        Assert.Equal(
            "egress:\n" +
            Rule(Net.AddressOf("batch-1"), "batch", "5432, 6379, 7001", "tcp") +
            Rule(Net.AddressOf("batch-1"), "batch", "7004", "udp") +
            Rule(Net.CoordinatorAddress, "local", "7001", "tcp") +
            Rule(Net.AddressOf("web-1"), "web", "5432, 6379, 7001", "tcp") +
            Rule(Net.AddressOf("web-1"), "web", "7004", "udp") +
            Rule(Net.AddressOf("web-2"), "web", "5432, 6379, 7001", "tcp") +
            Rule(Net.AddressOf("web-2"), "web", "7004", "udp"),
            rules);
        Assert.DoesNotContain(Net.PgPassword, export.Stdout + export.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Net.RedisPassword, export.Stdout + export.Stderr, StringComparison.Ordinal);

        using var exported = new TempConfig(export.Stdout);
        var convert = await ProcessRunner.ConnCheckAsync("convert-fw", "--type", "iptables", exported.Path);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Equal(13, convert.Lines.Length);
        Assert.All(convert.Lines, l => Assert.Matches(@"^iptables -A OUTPUT -s 10\.77\.\d+\.\d+ -d 10\.77\.9\.10 -p (tcp|udp) --dport \d+ -j ACCEPT$", l));

        // With the router forwarding everything, the paths the config says must stay closed are open.
        var open = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);
        Assert.StartsWith("CONN-CHECK CRITICAL: 6 of 19 checks failed (batch 2/6, local 0/1, web 4/12) |", open.StatusLine);

        // Default-deny egress on every host, cluster traffic allowed: every needed path is closed too.
        string[] hosts = [Net.NamespaceOf("web-1"), Net.NamespaceOf("web-2"), Net.NamespaceOf("batch-1"), Net.CoordinatorNs];
        foreach (var ns in hosts)
        {
            await Shell(ns, """
                iptables -A OUTPUT -o lo -j ACCEPT
                iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
                iptables -A OUTPUT -p tcp --dport 4550 -j ACCEPT
                iptables -P OUTPUT DROP
                """);
        }

        var denied = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);
        Assert.StartsWith("CONN-CHECK CRITICAL: 13 of 19 checks failed (batch 4/6, local 1/1, web 8/12) |", denied.StatusLine);

        // The generated rules, applied on every host as they are (-s picks each host's own).
        foreach (var ns in hosts)
        {
            await Shell(ns, string.Join('\n', convert.Lines));
        }

        var allowed = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.StartsWith("CONN-CHECK OK: 19 checks passed (batch 0/6, local 0/1, web 0/12) |", allowed.StatusLine);
        Assert.Equal(
            [
                "batch/batch-1 batch must not reach 7002 OK - unreachable as required: timed out",
                "batch/batch-1 nobody reaches 7003 OK - unreachable as required: timed out",
                "web/web-1 nobody reaches 7003 OK - unreachable as required: timed out",
                "web/web-1 web must not reach 7002 OK - unreachable as required: timed out",
                "web/web-2 nobody reaches 7003 OK - unreachable as required: timed out",
                "web/web-2 web must not reach 7002 OK - unreachable as required: timed out",
            ],
            allowed.Lines.Where(l => l.Contains("reach", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task A_zone_without_live_agents_gets_no_rules_and_export_fw_says_so_with_exit_3()
    {
        using var config = new TempConfig($"""
            - type: tcp
              from: [web, db]
              host: {Net.Services}
              port: 7001
            """);

        var export = await Net.ConnCheckAsync("export-fw", config.Path, "--seed", Net.Seed);

        Assert.True(export.ExitCode == 3, export.ToString());
        Assert.Contains("# zone db: no rules for its 1 check(s): no live agent", export.Stdout, StringComparison.Ordinal);
        Assert.Contains($"- from_host: {Net.AddressOf("web-1")}", export.Stdout, StringComparison.Ordinal);
        Assert.Contains("zone db has no live agent", export.Stderr, StringComparison.Ordinal);
    }

    private async Task Shell(string netns, string script)
    {
        var result = await Net.ShellAsync(netns, script);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
