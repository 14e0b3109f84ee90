using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// A set of network namespaces built by one of the tests/zones scripts (<c>SCRIPT up PREFIX DIR MODE</c>,
/// <c>SCRIPT down PREFIX</c>): its hosts' namespaces and addresses from DIR/env, the agents started in
/// them, and conn-check run from the coordinator's namespace. Every address exists only inside it.
/// </summary>
public abstract class NamespaceEstate : IAsyncDisposable
{
    public const int AgentPort = 4550;

    private readonly string script;
    private readonly string dir;

    protected NamespaceEstate((string Script, string Prefix, string Dir, IReadOnlyDictionary<string, string> Env) built)
    {
        (script, Prefix, dir, Env) = built;
    }

    public string Prefix { get; }

    protected IReadOnlyDictionary<string, string> Env { get; }

    protected List<AgentProcess> StartedAgents { get; } = [];

    public IReadOnlyList<AgentProcess> Agents => StartedAgents;

    public string Router => Env["ROUTER_NS"];

    public string CoordinatorNs => Env["COORD_NS"];

    public string CoordinatorAddress => Env["COORD_ADDR"];

    public string Services => Env["SVC_ADDR"];

    public string NamespaceOf(string host) => Env[$"{Key(host)}_NS"];

    public string AddressOf(string host) => Env[$"{Key(host)}_ADDR"];

    /// <summary>Runs <paramref name="scriptName"/> up; on failure tears down what it left and throws with its output.</summary>
    protected static async Task<(string Script, string Prefix, string Dir, IReadOnlyDictionary<string, string> Env)> BuildAsync(string scriptName, string stem, string mode, string needs)
    {
        var script = Path.Combine(Repo.Root, "tests", "zones", scriptName);
        var prefix = stem + Guid.NewGuid().ToString("N")[..8];
        var dir = Directory.CreateTempSubdirectory($"conncheck-{stem}-").FullName;
        var up = await RunAsync("bash", [script, "up", prefix, dir, mode], TimeSpan.FromSeconds(120));
        if (up.ExitCode != 0)
        {
            await RunAsync("bash", [script, "down", prefix], TimeSpan.FromSeconds(60));
            Directory.Delete(dir, recursive: true);
            throw new InvalidOperationException($"cannot build the network with {scriptName} (needs {needs}: tests/setup/install-deps.sh):\n{up}");
        }

        var env = File.ReadAllLines(Path.Combine(dir, "env"))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        return (script, prefix, dir, env);
    }

    /// <summary>An agent in <paramref name="host"/>'s namespace, on its address.</summary>
    public Task<AgentProcess> StartAgentAsync(string zone, string host, string[] seeds, string? name = null, int port = AgentPort, IEnumerable<string>? extraArgs = null) =>
        AgentProcess.StartAsync(zone, name ?? host, seeds, extraArgs, port: port, netns: NamespaceOf(host), host: AddressOf(host));

    /// <summary>The started agents' output, for failure messages.</summary>
    public string AgentLogs() => string.Join("\n", StartedAgents.Select(a => $"--- {a.Name}\n{a.Process.Output}"));

    /// <summary>Runs conn-check in the coordinator's namespace.</summary>
    public Task<ProcessResult> ConnCheckAsync(params string[] args) => ConnCheckAsync(TimeSpan.FromSeconds(120), args);

    public Task<ProcessResult> ConnCheckAsync(TimeSpan limit, params string[] args) =>
        ProcessRunner.RunAsync(Repo.CoordinatorDll, args, null, limit, netns: CoordinatorNs);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(StartedAgents.Select(a => a.DisposeAsync().AsTask()));
        StartedAgents.Clear();
        var down = await RunAsync("bash", [script, "down", Prefix], TimeSpan.FromSeconds(60));
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
        if (down.ExitCode != 0)
        {
            throw new InvalidOperationException($"tearing down the network failed: {down}");
        }
    }

    protected static Task<ProcessResult> RunAsync(string command, IEnumerable<string> args, TimeSpan limit) =>
        ProcessRunner.RunCommandAsync(command, args, null, limit);

    private static string Key(string host) => host.ToUpperInvariant().Replace('-', '_');
}
