using System.Net;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>Agents and coordinator on IPv6 addresses (docs/distribution.md, Addresses): binding, advertising, seeds, static agents.</summary>
public sealed class Ipv6AgentTests
{
    [Fact]
    public async Task Ipv6_an_agent_on_loopback_v6_runs_a_coordinators_checks_by_seed_and_as_a_static_agent()
    {
        using var listener = Loopback.Listening(IPAddress.IPv6Loopback);
        var open = listener.Port();
        await using var agent = await AgentProcess.StartAsync("web", "v6-web", extraArgs: ["--public-hostname", "::1"], host: "[::1]");
        using var config = new TempConfig($"""
            - type: tcp
              from: web
              host: "::1"
              port: {open}
            """);

        // The coordinator binds to the route toward the IPv6 seed on its own; then --agent and --bind [::1].
        var bySeed = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", $"[::1]:{agent.Port}");
        var byStatic = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"web=[::1]:{agent.Port}", "--bind", "[::1]");
        var listed = await ProcessRunner.ConnCheckAsync("agents", "--seed", $"[::1]:{agent.Port}");

        foreach (var run in new[] { bySeed, byStatic })
        {
            Assert.True(run.ExitCode == 0, $"{run}\n--- agent\n{agent.Process.Output}");
            Assert.Equal($"web/v6-web tcp:[::1]:{open} OK", run.Lines[1]);
        }

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains($"[::1]:{agent.Port}", listed.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipv6_agents_in_a_namespace_form_a_cluster_over_ULA_addresses_and_report_the_address_that_answered()
    {
        using var ns = new DualStackNamespace();
        await ns.ListenAsync(DualStackNamespace.V6, [7001]);
        const int port = 4550;
        var seed = $"[{DualStackNamespace.V6}]:{port}";
        await using var first = await AgentProcess.StartAsync("web", "web-a", port: port, netns: ns.Name, host: $"[{DualStackNamespace.V6}]");
        await using var second = await AgentProcess.StartAsync("web", "web-b", seeds: [seed], port: port, netns: ns.Name, host: $"[{DualStackNamespace.V6b}]");
        await ClusterPolling.WaitForAgentsAsync(() => ns.ConnCheckAsync("agents", "--seed", seed), 2, TimeSpan.FromSeconds(60), () => first.Process.Output + "\n" + second.Process.Output);
        using var config = new TempConfig($"""
            - type: tcp
              from: web
              host: {DualStackNamespace.DualName}
              port: 7001
            """);

        var run = await ns.ConnCheckAsync(config.Path, "--seed", seed, "-v");

        Assert.True(run.ExitCode == 0, $"{run}\n--- agents\n{first.Process.Output}\n{second.Process.Output}");
        Assert.StartsWith("CONN-CHECK OK: 2 checks passed (web 0/2) |", run.StatusLine);
        foreach (var agent in new[] { "web-a", "web-b" })
        {
            var line = Array.IndexOf(run.AllLines, $"web/{agent} tcp:dual.test:7001 OK");
            Assert.True(line > 0, run.ToString());
            Assert.EndsWith($" - connected to [{DualStackNamespace.V6}]", run.AllLines[line + 1], StringComparison.Ordinal);
        }
    }
}
