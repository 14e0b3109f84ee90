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
public sealed class ZoneNetwork : IAsyncDisposable
{
    public const int AgentPort = 4550;

    private readonly string dir;
    private readonly Dictionary<string, string> env;
    private readonly List<AgentProcess> agents = [];

    private ZoneNetwork(string prefix, string dir, Dictionary<string, string> env)
    {
        Prefix = prefix;
        this.dir = dir;
        this.env = env;
    }

    public string Prefix { get; }

    public string Router => env["ROUTER_NS"];

    public string CoordinatorNs => env["COORD_NS"];

    public string CoordinatorAddress => env["COORD_ADDR"];

    public string Services => env["SVC_ADDR"];

    public string PgPassword => env["PG_PASSWORD"];

    public string RedisPassword => env["REDIS_PASSWORD"];

    public string Seed => $"{env["WEB_1_ADDR"]}:{AgentPort}";

    public IReadOnlyList<AgentProcess> Agents => agents;

    /// <summary>The namespace of host web-1, web-2 or batch-1.</summary>
    public string NamespaceOf(string host) => env[$"{Key(host)}_NS"];

    public string AddressOf(string host) => env[$"{Key(host)}_ADDR"];

    public static string ScriptPath => Path.Combine(Repo.Root, "tests", "zones", "netns.sh");

    /// <summary>Builds the network (router firewall <paramref name="mode"/>: zoned or open), starts the agents, waits for the cluster.</summary>
    public static async Task<ZoneNetwork> StartAsync(string mode)
    {
        var prefix = "cz" + Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory("conncheck-zones-").FullName;
        var up = await RunAsync("bash", [ScriptPath, "up", prefix, dir, mode], TimeSpan.FromSeconds(120));
        if (up.ExitCode != 0)
        {
            await RunAsync("bash", [ScriptPath, "down", prefix], TimeSpan.FromSeconds(60));
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"cannot build the zones network (needs root, iproute2, iptables, PostgreSQL, Redis: tests/setup/install-deps.sh):\n{up}");
        }

        var env = File.ReadAllLines(Path.Combine(dir, "env"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var network = new ZoneNetwork(prefix, dir, env);
        try
        {
            await network.StartAgentsAsync();
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    private async Task StartAgentsAsync()
    {
        agents.Add(await StartAgentAsync("web", "web-1", []));
        agents.AddRange(await Task.WhenAll(StartAgentAsync("web", "web-2", [Seed]), StartAgentAsync("batch", "batch-1", [Seed])));
        await WaitForAgentsAsync(3, TimeSpan.FromSeconds(60));
    }

    private Task<AgentProcess> StartAgentAsync(string zone, string name, string[] seeds) =>
        AgentProcess.StartAsync(zone, name, seeds, port: AgentPort, netns: NamespaceOf(name), host: AddressOf(name));

    /// <summary>Polls <c>conn-check agents</c> from the coordinator's namespace until every agent is listed and reachable.</summary>
    public Task WaitForAgentsAsync(int count, TimeSpan limit) =>
        ClusterPolling.WaitForAgentsAsync(
            () => ConnCheckAsync(TimeSpan.FromSeconds(60), "agents", "--seed", Seed),
            count,
            limit,
            () => string.Join("\n", agents.Select(a => $"--- {a.Name}\n{a.Process.Output}")));

    /// <summary>Runs conn-check in the coordinator's namespace.</summary>
    public Task<ProcessResult> ConnCheckAsync(params string[] args) => ConnCheckAsync(TimeSpan.FromSeconds(120), args);

    public Task<ProcessResult> ConnCheckAsync(TimeSpan limit, params string[] args) =>
        ProcessRunner.RunAsync(Repo.CoordinatorDll, args, null, limit, netns: CoordinatorNs);

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

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask()));
        agents.Clear();
        var down = await RunAsync("bash", [ScriptPath, "down", Prefix], TimeSpan.FromSeconds(60));
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }

        if (down.ExitCode != 0)
        {
            throw new InvalidOperationException($"tearing down the zones network failed: {down}");
        }
    }

    private static string Key(string host) => host.ToUpperInvariant().Replace('-', '_');

    private static Task<ProcessResult> RunAsync(string command, IEnumerable<string> args, TimeSpan limit) =>
        ProcessRunner.RunCommandAsync(command, args, null, limit);
}
