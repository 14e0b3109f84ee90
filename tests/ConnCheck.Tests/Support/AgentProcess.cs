namespace ConnCheck.Tests.Support;

/// <summary>A real conn-check-agent process on a loopback port.</summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private AgentProcess(string zone, string name, string host, int port, RunningProcess process)
    {
        Zone = zone;
        Name = name;
        Host = host;
        Port = port;
        Process = process;
    }

    public string Zone { get; }

    public string Name { get; }

    public string Host { get; }

    public int Port { get; }

    public string Address => $"{Host}:{Port}";

    public RunningProcess Process { get; }

    /// <summary>Starts the agent and waits until its remoting listens.</summary>
    /// <param name="netns">Runs the agent inside this network namespace, bound to <paramref name="host"/>.</param>
    public static async Task<AgentProcess> StartAsync(
        string zone, string name, IEnumerable<string>? seeds = null, IEnumerable<string>? extraArgs = null, int? port = null, string? netns = null, string host = "127.0.0.1")
    {
        var chosen = port ?? Loopback.ClosedPort();
        var args = new List<string> { "--zone", zone, "--name", name, "--bind", $"{host}:{chosen}" };
        foreach (var seed in seeds ?? [])
        {
            args.AddRange(["--seed", seed]);
        }

        args.AddRange(extraArgs ?? []);
        var process = RunningProcess.Start(Repo.AgentDll, args, netns: netns);
        var agent = new AgentProcess(zone, name, host, chosen, process);
        await process.WaitForLineAsync(l => l.Contains($"agent {name} (zone {zone}) listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"agent {name} listening");
        return agent;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
