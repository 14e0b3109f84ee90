using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// tests/zones/dns-zones.sh: zones web (web-1) and batch (batch-1), each host with its own resolver
/// (a real dnsmasq on its 127.0.0.1:53, also its resolv.conf) answering db.internal with 10.1.0.5 in
/// web and 10.2.0.5 in batch: split-horizon DNS. One agent per zone.
/// </summary>
public sealed class DnsZones : NamespaceEstate
{
    private DnsZones((string, string, string, IReadOnlyDictionary<string, string>) built)
        : base(built)
    {
    }

    public string Seed => $"{AddressOf("web-1")}:{AgentPort}";

    public static async Task<DnsZones> StartAsync()
    {
        var estate = new DnsZones(await BuildAsync("dns-zones.sh", "prt", "open", "root, iproute2, iptables, dnsmasq"));
        try
        {
            estate.StartedAgents.Add(await estate.StartAgentAsync("web", "web-1", []));
            estate.StartedAgents.Add(await estate.StartAgentAsync("batch", "batch-1", [estate.Seed]));
            await ClusterPolling.WaitForAgentsAsync(() => estate.ConnCheckAsync("agents", "--seed", estate.Seed), 2, TimeSpan.FromSeconds(60), estate.AgentLogs);
        }
        catch
        {
            await estate.DisposeAsync();
            throw;
        }

        return estate;
    }
}

/// <summary>The split-horizon estate, built once per test class.</summary>
public sealed class DnsZonesFixture : IAsyncLifetime
{
    public DnsZones Estate { get; private set; } = null!;

    public async Task InitializeAsync() => Estate = await DnsZones.StartAsync();

    public async Task DisposeAsync() => await Estate.DisposeAsync();
}

[Collection(ZonesCollection.Name)]
public sealed class DnsZoneTests(DnsZonesFixture fixture) : IClassFixture<DnsZonesFixture>
{
    private DnsZones Estate => fixture.Estate;

    /// <summary>One dns check per way of asking, each run from both zones with a per-zone expectation.</summary>
    private static string Config(string web, string batch) => $$"""
        zones:
          web: {}
          batch: {}
        checks:
          - { name: udp, type: dns, from: [web, batch], server: 127.0.0.1, query: db.internal, zones: { web: { expect: [{{web}}] }, batch: { expect: [{{batch}}] } } }
          - { name: tcp, type: dns, from: [web, batch], server: 127.0.0.1, transport: tcp, query: db.internal, zones: { web: { expect: [{{web}}], exact: true }, batch: { expect: [{{batch}}], exact: true } } }
          - { name: resolv.conf, type: dns, from: [web, batch], query: db.internal, zones: { web: { expect: [{{web}}] }, batch: { expect: [{{batch}}] } } }
        """;

    [Fact]
    public async Task Each_agent_passes_only_with_its_own_zones_answer()
    {
        using var own = new TempConfig(Config(web: "10.1.0.5", batch: "10.2.0.5"));
        using var swapped = new TempConfig(Config(web: "10.2.0.5", batch: "10.1.0.5"));

        var right = await Estate.ConnCheckAsync(own.Path, "--seed", Estate.Seed);
        var wrong = await Estate.ConnCheckAsync(swapped.Path, "--seed", Estate.Seed);

        Assert.True(right.ExitCode == 0, right + Estate.AgentLogs());
        Assert.StartsWith("CONN-CHECK OK: 6 checks passed (batch 0/3, web 0/3) |", right.StatusLine);
        Assert.Equal(
            ["batch/batch-1 resolv.conf OK", "batch/batch-1 tcp OK", "batch/batch-1 udp OK", "web/web-1 resolv.conf OK", "web/web-1 tcp OK", "web/web-1 udp OK"],
            right.Lines[1..].Where(l => !l.StartsWith('|') && !l.StartsWith('\'')).Order(StringComparer.Ordinal));

        Assert.True(wrong.ExitCode == 2, wrong.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 6 of 6 checks failed (batch 3/3, web 3/3) |", wrong.StatusLine);
        Assert.Equal("web/web-1 udp FAILED - wrong answer for db.internal A: got 10.1.0.5, expected 10.2.0.5 (server 127.0.0.1:53)", wrong.Line("web/web-1 udp"));
        Assert.Equal("batch/batch-1 udp FAILED - wrong answer for db.internal A: got 10.2.0.5, expected 10.1.0.5 (server 127.0.0.1:53)", wrong.Line("batch/batch-1 udp"));
        Assert.Equal("web/web-1 tcp FAILED - wrong answer for db.internal A: got 10.1.0.5, expected exactly 10.2.0.5 (server 127.0.0.1:53)", wrong.Line("web/web-1 tcp"));
        Assert.Equal("batch/batch-1 resolv.conf FAILED - wrong answer for db.internal A: got 10.2.0.5, expected 10.1.0.5 (server 127.0.0.1:53)", wrong.Line("batch/batch-1 resolv.conf"));
    }

    [Fact]
    public async Task Export_fw_and_the_zone_matrix_show_dns_over_udp_and_tcp()
    {
        using var config = new TempConfig(Config(web: "10.1.0.5", batch: "10.2.0.5"));

        var export = await Estate.ConnCheckAsync("export-fw", config.Path, "--seed", Estate.Seed);
        var matrix = await Estate.ConnCheckAsync(config.Path, "--seed", Estate.Seed, "--matrix");

        Assert.True(export.ExitCode == 0, export.ToString());
        string Rule(string host, string zone, string protocol) =>
            $"- from_host: {host}\n  from_zone: {zone}\n  ports: [53]\n  protocol: {protocol}\n  to_host: 127.0.0.1\n";
        Assert.Equal(
            "egress:\n" +
            Rule(Estate.AddressOf("batch-1"), "batch", "tcp") + Rule(Estate.AddressOf("batch-1"), "batch", "udp") +
            Rule(Estate.AddressOf("web-1"), "web", "tcp") + Rule(Estate.AddressOf("web-1"), "web", "udp"),
            string.Join('\n', export.Stdout.Split('\n').Where(l => !l.StartsWith('#'))));

        Assert.True(matrix.ExitCode == 0, matrix.ToString());
        Assert.Contains("127.0.0.1:53/udp", matrix.Stdout, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:53", matrix.Stdout.Replace("127.0.0.1:53/udp", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("system-resolvers", matrix.Stdout, StringComparison.Ordinal);
    }
}
