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

    // Islands found within a second: a seed that comes back as a new cluster is seen at once.
    private readonly TempConfig quickIslands = new("""
        conn-check.agent.down-unreachable-after = 2s
        conn-check.agent.seed-check-interval = 1s
        akka.cluster.failure-detector.acceptable-heartbeat-pause = 2s
        akka.cluster.retry-unsuccessful-join-after = 2s
        """, "quick-islands.hocon");

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
    public async Task A_zone_seed_that_does_not_answer_and_that_no_other_seed_lists_is_unknown_not_left_out()
    {
        // Chaos run 71: the zone's other seed was frozen and no answering seed listed it (between two
        // of its incarnations); its pairs vanished from a report that then passed.
        await using var answering = await AgentProcess.StartAsync("web", "web-a");
        await using var frozen = await AgentProcess.StartAsync("web", "web-b");
        using var open = new AcceptingListener();
        using var config = new TempConfig($$"""
            zones:
              web: { seeds: [{{answering.Address}}, {{frozen.Address}}] }
            checks:
              - { type: tcp, from: web, on: all, host: 127.0.0.1, port: {{open.Port}} }
            """);

        using (frozen.Process.FreezeUntilDisposed())
        {
            var run = await ProcessRunner.ConnCheckAsync(config.Path);

            Assert.True(run.ExitCode == 3, run.ToString());
            Assert.Contains($"web/web-a tcp:127.0.0.1:{open.Port} OK", run.Lines);
            Assert.Contains(run.Lines, l => l.StartsWith($"web/{frozen.Address} tcp:127.0.0.1:{open.Port} UNKNOWN - agent at {frozen.Address} unreachable: no answer within 3s", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_restarted_seed_that_lists_the_zones_other_agent_rejoins_its_cluster_and_that_agent_keeps_running(bool killed)
    {
        // The seed lists itself first, then the zone's other agent: when it comes back (after an
        // upgrade, or kill -9 and a restart) it asks that agent first and joins its cluster, so the
        // other agent is never on an island and its batch, waiting on a silent target, finishes.
        string[] hocon = ["--hocon", quickIslands.Path];
        var (seedPort, memberPort) = (Loopback.ClosedPort(), Loopback.ClosedPort());
        string[] seedSeeds = [$"127.0.0.1:{seedPort}", $"127.0.0.1:{memberPort}"];
        var seed = await AgentProcess.StartAsync("web", "web-seed", seedSeeds, hocon, port: seedPort);
        await using var member = await AgentProcess.StartAsync("web", "web-2", [seed.Address], hocon, port: memberPort);
        AgentProcess? reborn = null;
        try
        {
            await WaitForAgentsAsync(seed.Address, 2);
            using var silent = new AcceptingListener();
            using var config = new TempConfig($"- {{ type: redis, name: slow, from: web, on: all, host: 127.0.0.1, port: {silent.Port}, timeout: 15 }}\n");
            var run = ProcessRunner.ConnCheckAsync(config.Path, "--seed", member.Address);
            Assert.Equal(4, await silent.AcceptedAsync(4));

            if (killed)
            {
                seed.Process.KillHard();
            }
            else
            {
                seed.Process.Terminate();
            }

            await seed.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await seed.DisposeAsync();
            reborn = await AgentProcess.StartAsync("web", "web-seed", seedSeeds, hocon, port: seedPort);
            var report = await run;

            Assert.True(report.Lines.Any(l => l.StartsWith("web/web-2 slow FAILED - ", StringComparison.Ordinal) && l.Contains("timed out", StringComparison.Ordinal)), report.ToString());
            Assert.Contains(report.Lines, l => l.StartsWith("web/web-seed slow UNKNOWN - ", StringComparison.Ordinal));
            // The reborn seed sees both agents: it joined web-2's cluster, not a new one.
            await WaitForAgentsAsync(reborn.Address, 2);
            // Several seed-check intervals after the rejoin, web-2 has still not restarted.
            await WaitForAgentsAsync(member.Address, 2);
            Assert.DoesNotContain("restarting to rejoin", member.Process.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("in another cluster", member.Process.Output, StringComparison.Ordinal);
        }
        finally
        {
            await (reborn ?? seed).DisposeAsync();
        }
    }

    [Fact]
    public async Task An_agent_that_must_rejoin_first_finishes_the_batch_it_is_running()
    {
        // Second line of defence. The seed lists no other agent, so it restarts (leaving, as on an
        // upgrade) as a new cluster of one; the other agent finds itself on an island within a second
        // and must restart to rejoin, while its check still waits on a silent target.
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

    public void Dispose()
    {
        fastDowning.Dispose();
        quickIslands.Dispose();
    }

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
