using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>One real agent, started once for the class: what happens to its work when the coordinator goes away.</summary>
public sealed class SingleAgentFixture : IAsyncLifetime
{
    public AgentProcess Agent { get; private set; } = null!;

    public async Task InitializeAsync() => Agent = await AgentProcess.StartAsync("web", "lone-1");

    public async Task DisposeAsync() => await Agent.DisposeAsync();
}

/// <summary>
/// A coordinator killed or frozen mid-run (Nagios kills a plugin at its timeout) must not leave the
/// agent probing targets for nothing: proven from the target's side, by the sockets it sees closed.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class CoordinatorLossTests(SingleAgentFixture fixture) : IClassFixture<SingleAgentFixture>
{
    private const int Checks = 50;

    private AgentProcess Agent => fixture.Agent;

    private static TempConfig SilentChecks(SilentServer target, int timeout) => new(
        "checks:\n" + string.Concat(Enumerable.Range(0, Checks).Select(i =>
            $"  - {{ type: redis, from: web, host: 127.0.0.1, port: {target.Port}, timeout: {timeout}, name: silent-{i} }}\n")));

    /// <summary>A coordinator whose batch of checks against <paramref name="target"/> the agent is running, every connection held.</summary>
    private async Task<RunningProcess> CoordinatorMidBatchAsync(SilentServer target, TempConfig config)
    {
        var coordinator = RunningProcess.Start(Repo.CoordinatorDll, [config.Path, "--agent", $"web={Agent.Address}"]);
        await target.HeldAsync(Checks, TimeSpan.FromSeconds(20));
        return coordinator;
    }

    [Fact]
    public async Task A_killed_coordinators_batch_is_cancelled_within_two_seconds_and_every_socket_closed()
    {
        using var target = new SilentServer();
        using var config = SilentChecks(target, timeout: 30);
        await using var coordinator = await CoordinatorMidBatchAsync(target, config);

        coordinator.KillHard();

        await target.ClosedAsync(Checks, TimeSpan.FromSeconds(2));
        await Agent.Process.WaitForLineAsync(l => l.Contains("cancelled: the coordinator is gone", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the cancel line");
        await Task.Delay(500);
        Assert.Equal(Checks, target.Held);
    }

    [Fact]
    public async Task A_frozen_coordinators_batch_is_cancelled_within_the_failure_detectors_pause()
    {
        using var target = new SilentServer();
        using var config = SilentChecks(target, timeout: 40);
        await using var coordinator = await CoordinatorMidBatchAsync(target, config);

        using (coordinator.FreezeUntilDisposed())
        {
            // agent.hocon: watch-failure-detector.acceptable-heartbeat-pause = 10s, then the watch fires.
            await target.ClosedAsync(Checks, TimeSpan.FromSeconds(16));
        }

        await Agent.Process.WaitForLineAsync(l => l.Contains("cancelled: the coordinator is gone", StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the cancel line");
        coordinator.KillHard();
    }

    [Fact]
    public async Task A_check_without_a_timeout_ends_at_the_runs_connect_timeout_on_the_agent_too()
    {
        using var target = new SilentServer();
        using var config = new TempConfig($"checks:\n  - {{ type: redis, from: web, host: 127.0.0.1, port: {target.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"web={Agent.Address}", "--connect-timeout", "2");

        Assert.True(run.ExitCode == 2, run.ToString());
        var line = Assert.Single(run.Lines[1..]);
        Assert.StartsWith($"web/lone-1 redis:127.0.0.1:{target.Port} FAILED - ", line, StringComparison.Ordinal);
        Assert.Contains("timed out after 2s", line, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));
    }
}
