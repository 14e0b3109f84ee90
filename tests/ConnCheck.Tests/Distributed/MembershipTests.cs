using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>Cluster membership under failure: nobody downs itself, a downed agent rejoins on its own.</summary>
[Collection(TimingSensitive.Name)]
public sealed class MembershipTests : IDisposable
{
    // Short timers so the test sees a whole down-and-rejoin cycle in seconds.
    private readonly TempConfig fastDowning = new("""
        conn-check.agent.down-unreachable-after = 2s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.cluster.retry-unsuccessful-join-after = 2s
        """, "fast-downing.hocon");

    [Fact]
    public async Task A_downed_agent_rejoins_by_itself_and_the_healthy_agent_stays_up()
    {
        await using var pair = await StartJoinedPairAsync("seed", "other");
        var (seed, other) = (pair.Seed, pair.Other);

        other.Process.Freeze();
        await seed.Process.WaitForLineAsync(l => l.Contains("downing akka.tcp://conn-check@" + other.Address, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the seed downing the frozen agent");
        await WaitForAgentsAsync(seed.Address, 1);
        other.Process.Thaw();

        await other.Process.WaitForLineAsync(l => l.Contains("restarting to rejoin", StringComparison.Ordinal), TimeSpan.FromSeconds(40), "the downed agent restarting");
        await WaitForAgentsAsync(seed.Address, 2);
        Assert.False(seed.Process.HasExited);
        Assert.False(other.Process.HasExited);
        Assert.DoesNotContain("restarting to rejoin", seed.Process.Output);
    }

    [Fact]
    public async Task A_crashed_agent_never_takes_the_healthy_one_down()
    {
        await using var pair = await StartJoinedPairAsync("steady", "crasher");
        var (seed, crasher) = (pair.Seed, pair.Other);

        crasher.Process.KillHard();
        await seed.Process.WaitForLineAsync(l => l.Contains("downing akka.tcp://conn-check@" + crasher.Address, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the seed removing the crashed agent");
        await WaitForAgentsAsync(seed.Address, 1);

        Assert.False(seed.Process.HasExited);
        Assert.DoesNotContain("restarting to rejoin", seed.Process.Output);
    }

    [Fact]
    public async Task An_agent_the_cluster_sees_unreachable_is_unknown_in_the_report_not_left_out()
    {
        using var slowDowning = new TempConfig("""
            conn-check.agent.down-unreachable-after = 120s
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
            """, "slow-downing.hocon");
        await using var seed = await AgentProcess.StartAsync("web", "web-a", extraArgs: ["--hocon", slowDowning.Path]);
        await using var frozen = await AgentProcess.StartAsync("web", "web-b", [seed.Address], ["--hocon", slowDowning.Path]);
        await WaitForAgentsAsync(seed.Address, 2);
        using var open = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, from: web, host: 127.0.0.1, port: {open.Port} }}\n");

        using (frozen.Process.FreezeUntilDisposed())
        {
            await seed.Process.WaitForLineAsync(l => l.Contains("as UNREACHABLE", StringComparison.Ordinal) && l.Contains(frozen.Address, StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the seed marking web-b unreachable");
            var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", seed.Address);

            Assert.Equal(3, run.ExitCode);
            Assert.Contains($"web/web-a tcp:127.0.0.1:{open.Port} OK", run.Lines);
            Assert.Contains(run.Lines, l => l.StartsWith($"web/web-b tcp:127.0.0.1:{open.Port} UNKNOWN - agent at {frozen.Address} unreachable: no answer within 3s", StringComparison.Ordinal));
        }
    }

    public void Dispose() => fastDowning.Dispose();

    private static Task WaitForAgentsAsync(string seed, int count) =>
        ClusterPolling.WaitForAgentsAsync(() => ProcessRunner.ConnCheckAsync("agents", "--seed", seed), count, TimeSpan.FromSeconds(40));

    /// <summary>A seed agent (zone web) and a second agent (zone batch) joined to it, both with fast downing.</summary>
    private async Task<JoinedPair> StartJoinedPairAsync(string seedName, string otherName)
    {
        var seed = await AgentProcess.StartAsync("web", seedName, extraArgs: ["--hocon", fastDowning.Path]);
        var pair = new JoinedPair(seed, await AgentProcess.StartAsync("batch", otherName, [seed.Address], ["--hocon", fastDowning.Path]));
        try
        {
            await WaitForAgentsAsync(seed.Address, 2);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    private sealed record JoinedPair(AgentProcess Seed, AgentProcess Other) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Other.DisposeAsync();
            await Seed.DisposeAsync();
        }
    }
}
