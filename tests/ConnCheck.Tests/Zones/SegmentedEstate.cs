using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// tests/zones/segmented.sh: zones web (web-1, web-2), batch (batch-1) and ops (ops-1) whose hosts
/// cannot reach each other at all, a coordinator host whose only opening is to the agents' port,
/// and a services host. One cluster per zone: web-2 seeds from web-1, batch-1 and ops-1 stand alone.
/// </summary>
public sealed class SegmentedEstate : IAsyncDisposable
{
    public const int AgentPort = 4550;

    private readonly string dir;
    private readonly Dictionary<string, string> env;
    private readonly List<AgentProcess> agents = [];

    private SegmentedEstate(string prefix, string dir, Dictionary<string, string> env)
    {
        Prefix = prefix;
        this.dir = dir;
        this.env = env;
    }

    public string Prefix { get; }

    public string Services => env["SVC_ADDR"];

    public string CoordinatorNs => env["COORD_NS"];

    public IReadOnlyList<AgentProcess> Agents => agents;

    /// <summary>One seed per zone's cluster.</summary>
    public string[] ZoneSeeds => [SeedOf("web-1"), SeedOf("batch-1"), SeedOf("ops-1")];

    public string SeedOf(string host) => $"{AddressOf(host)}:{AgentPort}";

    public string NamespaceOf(string host) => env[$"{Key(host)}_NS"];

    public string AddressOf(string host) => env[$"{Key(host)}_ADDR"];

    private static string ScriptPath => Path.Combine(Repo.Root, "tests", "zones", "segmented.sh");

    public static async Task<SegmentedEstate> StartAsync()
    {
        var prefix = "sg" + Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory("conncheck-segmented-").FullName;
        var up = await ProcessRunner.RunCommandAsync("bash", [ScriptPath, "up", prefix, dir, "segmented"], null, TimeSpan.FromSeconds(120));
        if (up.ExitCode != 0)
        {
            await ProcessRunner.RunCommandAsync("bash", [ScriptPath, "down", prefix], null, TimeSpan.FromSeconds(60));
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"cannot build the segmented network (needs root, iproute2, iptables: tests/setup/install-deps.sh):\n{up}");
        }

        var env = File.ReadAllLines(Path.Combine(dir, "env")).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        var estate = new SegmentedEstate(prefix, dir, env);
        try
        {
            estate.agents.AddRange(await Task.WhenAll(
                estate.StartAgentAsync("web", "web-1", []),
                estate.StartAgentAsync("batch", "batch-1", []),
                estate.StartAgentAsync("ops", "ops-1", [])));
            estate.agents.Add(await estate.StartAgentAsync("web", "web-2", [estate.SeedOf("web-1")]));
            await ClusterPolling.WaitForAgentsAsync(
                () => estate.ConnCheckAsync(["agents", .. estate.ZoneSeeds.SelectMany(s => new[] { "--seed", s })]),
                4,
                TimeSpan.FromSeconds(60),
                () => string.Join("\n", estate.agents.Select(a => $"--- {a.Name}\n{a.Process.Output}")));
        }
        catch
        {
            await estate.DisposeAsync();
            throw;
        }

        return estate;
    }

    /// <summary>An agent on <paramref name="host"/>'s namespace and address (another port than 4550 for a second agent there).</summary>
    public Task<AgentProcess> StartAgentAsync(string zone, string host, string[] seeds, string? name = null, int port = AgentPort, IEnumerable<string>? extraArgs = null) =>
        AgentProcess.StartAsync(zone, name ?? host, seeds, extraArgs, port: port, netns: NamespaceOf(host), host: AddressOf(host));

    /// <summary>Runs conn-check in the coordinator's namespace.</summary>
    public Task<ProcessResult> ConnCheckAsync(params string[] args) =>
        ProcessRunner.RunAsync(Repo.CoordinatorDll, args, null, TimeSpan.FromSeconds(120), netns: CoordinatorNs);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(agents.Select(a => a.DisposeAsync().AsTask()));
        agents.Clear();
        var down = await ProcessRunner.RunCommandAsync("bash", [ScriptPath, "down", Prefix], null, TimeSpan.FromSeconds(60));
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }

        if (down.ExitCode != 0)
        {
            throw new InvalidOperationException($"tearing down the segmented network failed: {down}");
        }
    }

    private static string Key(string host) => host.ToUpperInvariant().Replace('-', '_');
}

/// <summary>The segmented estate, built once per test class.</summary>
public sealed class SegmentedEstateFixture : IAsyncLifetime
{
    public SegmentedEstate Estate { get; private set; } = null!;

    public async Task InitializeAsync() => Estate = await SegmentedEstate.StartAsync();

    public async Task DisposeAsync() => await Estate.DisposeAsync();
}
