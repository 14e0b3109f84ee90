using System.Diagnostics;
using System.Runtime.InteropServices;
using ConnCheck.Demo;

// The first run: real agents in two zones on loopback, real targets, the real coordinator, one report.
var started = Stopwatch.GetTimestamp();
var build = Build.Find();
using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });

await using var targets = new Targets();
targets.Start();
var closedPort = FreePort.Next();
var downPort = FreePort.Next();
Console.WriteLine($"demo: targets on 127.0.0.1: database tcp:{targets.TcpPort}, api http:{targets.HttpPort}, statsd udp:{targets.UdpPort}; " +
                  $"nothing listens on {closedPort} (admin ssh, must stay closed) nor on {downPort} (payments, down)");

var seed = $"127.0.0.1:{FreePort.Next()}";
// web-2 was given a narrower allowlist than web-1: from its vantage point the database is off limits.
var web2Allow = $"127.0.0.1/32:{targets.HttpPort},{closedPort}";
var agents = new (string Zone, string Name, string Bind, string[] Extra)[]
{
    ("web", "web-1", seed, []),
    ("web", "web-2", $"127.0.0.1:{FreePort.Next()}", ["--seed", seed, "--allow", web2Allow]),
    ("batch", "batch-1", $"127.0.0.1:{FreePort.Next()}", ["--seed", seed]),
};
Console.WriteLine($"demo: agents {string.Join(", ", agents.Select(a => $"{a.Zone}/{a.Name} on {a.Bind}"))}; web-2 runs with --allow {web2Allow}");

var children = new List<Child>();
try
{
    foreach (var (zone, name, bind, extra) in agents)
    {
        children.Add(Child.Captured(build.AgentDll, ["--zone", zone, "--name", name, "--bind", bind, .. extra], $"agent {name} (zone {zone}) listening"));
    }

    await Task.WhenAll(children.Select(c => c.WaitReadyAsync(TimeSpan.FromSeconds(20), stop.Token))).ConfigureAwait(false);
    Console.WriteLine($"\n$ conn-check agents --seed {seed}");
    Console.WriteLine(await WaitForClusterAsync(build, seed, agents.Length, stop.Token).ConfigureAwait(false));

    var environment = new Dictionary<string, string>
    {
        ["DEMO_TCP_PORT"] = $"{targets.TcpPort}",
        ["DEMO_HTTP_PORT"] = $"{targets.HttpPort}",
        ["DEMO_UDP_PORT"] = $"{targets.UdpPort}",
        ["DEMO_CLOSED_PORT"] = $"{closedPort}",
        ["DEMO_DOWN_PORT"] = $"{downPort}",
    };
    Console.WriteLine($"\n$ conn-check demo/checks.yaml --seed {seed} --matrix");
    using var coordinator = Child.Shown(build.CoordinatorDll, [build.ChecksFile, "--seed", seed, "--matrix", "--max-timeout", "10"], environment);
    var exit = await coordinator.WaitExitAsync(stop.Token).ConfigureAwait(false);
    await Console.Error.WriteLineAsync($"demo: exit code {exit} (the report's), {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s; stopping the agents and targets").ConfigureAwait(false);
    return exit;
}
catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"demo: {(ex is OperationCanceledException ? "interrupted" : ex.Message)}").ConfigureAwait(false);
    foreach (var child in children)
    {
        await Console.Error.WriteLineAsync(child.Output).ConfigureAwait(false);
    }

    return 3;
}
finally
{
    foreach (var child in children)
    {
        child.Dispose();
    }
}

// The agents gossip their membership for a moment after they listen; the report needs all of them.
static async Task<string> WaitForClusterAsync(Build build, string seed, int count, CancellationToken cancellationToken)
{
    var until = DateTime.UtcNow + TimeSpan.FromSeconds(15);
    var last = "";
    while (DateTime.UtcNow < until)
    {
        using var list = Child.Captured(build.CoordinatorDll, ["agents", "--seed", seed]);
        var exit = await list.WaitExitAsync(cancellationToken).ConfigureAwait(false);
        last = list.Output;
        if (exit == 0 && last.Contains($": {count} agent(s)", StringComparison.Ordinal))
        {
            return last;
        }

        await Task.Delay(300, cancellationToken).ConfigureAwait(false);
    }

    throw new TimeoutException($"the agents did not form a cluster of {count} within 15 s:\n{last}");
}
