namespace ConnCheck.Tests.Support;

/// <summary>A real conn-check-agent process on a loopback port.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private AgentProcess(string zone, string name, int port, RunningProcess process)
    {
        Zone = zone;
        Name = name;
        Port = port;
        Process = process;
    }

    public string Zone { get; }

    public string Name { get; }

    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    public RunningProcess Process { get; }

    /// <summary>Starts the agent and waits until its remoting listens.</summary>
    public static async Task<AgentProcess> StartAsync(string zone, string name, IEnumerable<string>? seeds = null, IEnumerable<string>? extraArgs = null, int? port = null)
    {
        var chosen = port ?? Loopback.ClosedPort();
        var args = new List<string> { "--zone", zone, "--name", name, "--bind", $"127.0.0.1:{chosen}" };
        foreach (var seed in seeds ?? [])
        {
            args.AddRange(["--seed", seed]);
        }

        args.AddRange(extraArgs ?? []);
        var process = RunningProcess.Start(Repo.AgentDll, args);
        var agent = new AgentProcess(zone, name, chosen, process);
        await process.WaitForLineAsync(l => l.Contains($"agent {name} (zone {zone}) listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"agent {name} listening");
        return agent;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
