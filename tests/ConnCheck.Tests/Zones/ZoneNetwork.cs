using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// A multi-zone network of Linux network namespaces (tests/zones/netns.sh): agents web-1, web-2 (zone
/// web) and batch-1 (zone batch) each in its own namespace, a services namespace with a real
/// PostgreSQL, Redis and plain TCP/UDP listeners, a coordinator namespace, and a router whose
/// iptables FORWARD chain is the zone firewall. Every address exists only inside these namespaces.
/// Creating it needs root, iproute2, iptables and the servers (tests/setup/install-deps.sh); when it
/// cannot be created the fixture fails with the script's message.
/// </summary>
public sealed class ZoneNetwork : NamespaceEstate
{
    private ZoneNetwork((string, string, string, IReadOnlyDictionary<string, string>) built)
        : base(built)
    {
    }

    public string PgPassword => Env["PG_PASSWORD"];

    public string RedisPassword => Env["REDIS_PASSWORD"];

    public string Seed => $"{Env["WEB_1_ADDR"]}:{AgentPort}";

    public static string ScriptPath => Path.Combine(Repo.Root, "tests", "zones", "netns.sh");

    /// <summary>Builds the network (router firewall <paramref name="mode"/>: zoned or open), starts the agents, waits for the cluster.</summary>
    public static async Task<ZoneNetwork> StartAsync(string mode)
    {
        var network = new ZoneNetwork(await BuildAsync("netns.sh", "cz", mode, "root, iproute2, iptables, PostgreSQL, Redis"));
        try
        {
            network.StartedAgents.Add(await network.StartAgentAsync("web", "web-1", []));
            network.StartedAgents.AddRange(await Task.WhenAll(
                network.StartAgentAsync("web", "web-2", [network.Seed]),
                network.StartAgentAsync("batch", "batch-1", [network.Seed])));
            await network.WaitForAgentsAsync(3, TimeSpan.FromSeconds(60));
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    /// <summary>Polls <c>conn-check agents</c> from the coordinator's namespace until every agent is listed and reachable.</summary>
    public Task WaitForAgentsAsync(int count, TimeSpan limit) =>
        ClusterPolling.WaitForAgentsAsync(() => ConnCheckAsync(TimeSpan.FromSeconds(60), "agents", "--seed", Seed), count, limit, AgentLogs);

    /// <summary>Runs iptables in a namespace; fails the test with iptables' message when it fails.</summary>
    public async Task IptablesAsync(string netns, params string[] args)
    {
        var result = await RunAsync("ip", ["netns", "exec", netns, "iptables", .. args], TimeSpan.FromSeconds(30));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"iptables {string.Join(' ', args)} in {netns} failed: {result}");
        }
    }

    /// <summary>Runs a shell command line inside a namespace (for iptables-restore-like rule files).</summary>
    public Task<ProcessResult> ShellAsync(string netns, string script) =>
        RunAsync("ip", ["netns", "exec", netns, "bash", "-euo", "pipefail", "-c", script], TimeSpan.FromSeconds(30));
}
