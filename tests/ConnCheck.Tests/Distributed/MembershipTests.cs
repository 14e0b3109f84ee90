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

    [Fact]
    public async Task An_agent_that_must_rejoin_first_finishes_the_batch_it_is_running()
    {
        // The seed restarts (leaving, as on an upgrade) and comes back as a new cluster of one; the other
        // agent finds itself on an island within a second and must restart to rejoin, while its check
        // still waits on a silent target.
        using var quickIslands = new TempConfig("""
            conn-check.agent.down-unreachable-after = 2s
            conn-check.agent.seed-check-interval = 1s
            akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
            akka.cluster.retry-unsuccessful-join-after = 2s
            """, "quick-islands.hocon");
        string[] hocon = ["--hocon", quickIslands.Path];
        var seedPort = Loopback.ClosedPort();
        var seed = await AgentProcess.StartAsync("web", "web-seed", extraArgs: hocon, port: seedPort);
        await using var member = await AgentProcess.StartAsync("web", "web-2", [seed.Address], hocon);
        AgentProcess? reborn = null;
        var seedKilled = false;
        try
        {
            await WaitForAgentsAsync(seed.Address, 2);
            using var silent = new AcceptingListener();
            using var config = new TempConfig($"- {{ type: redis, name: slow, from: web, on: all, host: 127.0.0.1, port: {silent.Port}, timeout: 25 }}\n");
            var run = ProcessRunner.ConnCheckAsync(config.Path, "--seed", member.Address);
            // Each agent connects twice: its tcp step, then the redis step that waits for an answer.
            Assert.Equal(4, await silent.AcceptedAsync(4));

            seed.Process.Terminate();
            seedKilled = true;
            Assert.Equal(0, await seed.Process.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            await seed.DisposeAsync();
            reborn = await AgentProcess.StartAsync("web", "web-seed", extraArgs: hocon, port: seedPort);
            var report = await run;

            Assert.True(report.Lines.Any(l => l.StartsWith("web/web-2 slow FAILED - ", StringComparison.Ordinal) && l.Contains("timed out", StringComparison.Ordinal)), report.ToString());
            Assert.Contains(report.Lines, l => l.StartsWith("web/web-seed slow UNKNOWN - ", StringComparison.Ordinal));
            Assert.Contains("finishing 1 running batch(es) before the restart to rejoin", member.Process.Output, StringComparison.Ordinal);
            await member.Process.WaitForLineAsync(l => l.Contains("restarting to rejoin in", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "web-2 restarting once its batch is done");
            await WaitForAgentsAsync(reborn.Address, 2);
        }
        finally
        {
            if (!seedKilled)
            {
                await seed.DisposeAsync();
            }

            if (reborn is not null)
            {
                await reborn.DisposeAsync();
            }
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
