using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>What happens when an agent dies, freezes or is stopped: each test owns its agent.</summary>
[Collection(TimingSensitive.Name)]
public sealed class AgentFailureTests
{
    [Fact]
    public async Task An_agent_killed_mid_batch_loses_only_its_unfinished_checks()
    {
        await using var batch = await MidBatch.StartAsync("doomed", checksEach: 3);
        batch.Agent.Process.KillHard();
        var exit = await batch.Coordinator.WaitForExitAsync(TimeSpan.FromSeconds(15));

        var lines = batch.Coordinator.StdoutLines;
        Assert.Equal(3, exit);
        Assert.Equal(3, lines.Count(l => l.StartsWith("web/doomed name-fast-", StringComparison.Ordinal) && l.EndsWith(" OK", StringComparison.Ordinal)));
        Assert.Equal(3, lines.Count(l => l.StartsWith("web/doomed name-slow-", StringComparison.Ordinal) && l.Contains(" UNKNOWN - agent lost: doomed", StringComparison.Ordinal)));
        Assert.StartsWith("CONN-CHECK UNKNOWN: 3 of 6 checks could not run (web 3/6)", lines[^1]);
        Assert.True(batch.Coordinator.Elapsed < TimeSpan.FromSeconds(12), batch.Coordinator.Output);
    }

    [Fact]
    public async Task A_named_agent_that_does_not_answer_is_unknown_beside_the_one_that_does()
    {
        await using var agent = await AgentProcess.StartAsync("web", "answers");
        var dead = Loopback.ClosedPort();
        using var open = new AcceptingListener();
        using var config = new TempConfig(Checks("web", open.Port, fast: 1) + $"- {{ type: tcp, name: name-any, from: web, on: any, host: 127.0.0.1, port: {open.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"web={agent.Address}", "--agent", $"web=127.0.0.1:{dead}");

        // on: all loses a vantage point, so it is UNKNOWN there; on: any ran on the agent that answered.
        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("CONN-CHECK UNKNOWN: 1 of 3 checks could not run (web 1/3)", run.StatusLine);
        Assert.Equal(
            [
                $"web/127.0.0.1:{dead} name-fast-0 UNKNOWN - agent at 127.0.0.1:{dead} unreachable: connection refused",
                "web/answers name-any OK",
                "web/answers name-fast-0 OK",
            ],
            run.Lines[1..4].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_frozen_agent_is_declared_lost_and_the_run_ends()
    {
        await using var batch = await MidBatch.StartAsync("frozen", checksEach: 2);
        using (batch.Agent.Process.FreezeUntilDisposed())
        {
            var exit = await batch.Coordinator.WaitForExitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(3, exit);
            Assert.Equal(2, batch.Coordinator.StdoutLines.Count(l => l.StartsWith("web/frozen name-slow-", StringComparison.Ordinal) && l.Contains(" UNKNOWN - agent lost: frozen", StringComparison.Ordinal)));
            Assert.Equal(2, batch.Coordinator.StdoutLines.Count(l => l.StartsWith("web/frozen name-fast-", StringComparison.Ordinal) && l.EndsWith(" OK", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_frozen_agent_cannot_hold_the_run_past_max_timeout()
    {
        await using var agent = await AgentProcess.StartAsync("web", "stuck");
        using var hole = new BlackHoleListener();
        using var config = new TempConfig(Checks("web", hole.Port, slow: 2));
        using (agent.Process.FreezeUntilDisposed())
        {
            var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"web={agent.Address}", "--max-timeout", "2");

            Assert.Equal(3, run.ExitCode);
            // The product's bound, max-timeout + 1 s, from the coordinator's own start to its own exit.
            Assert.True(run.ProcessElapsed < TimeSpan.FromSeconds(3), run.ToString());
            Assert.StartsWith("CONN-CHECK UNKNOWN", run.StatusLine);
            Assert.Equal(2, run.Lines.Length - 1);
            Assert.All(run.Lines[1..], l => Assert.Contains(" UNKNOWN - ", l));
        }
    }

    [Fact]
    public async Task An_agent_keeps_serving_after_a_coordinator_dies_mid_batch()
    {
        await using var agent = await AgentProcess.StartAsync("web", "survivor");
        using var open = new AcceptingListener();
        using var silent = new SilentServer();
        using var slow = new TempConfig(string.Concat(Enumerable.Range(0, 3).Select(i => $"- {{ type: redis, name: name-slow-{i}, from: web, host: 127.0.0.1, port: {silent.Port}, timeout: 60 }}\n")));
        await using (var doomed = RunningProcess.Start(Repo.CoordinatorDll, [slow.Path, "--agent", $"web={agent.Address}"]))
        {
            // The three checks hold their connections: the batch is running on the agent.
            await silent.HeldAsync(3, TimeSpan.FromSeconds(20));
            doomed.KillHard();
        }

        await agent.Process.WaitForLineAsync(l => l.Contains("cancelled: the coordinator is gone", StringComparison.Ordinal) && l.Contains("0 of 3 checks had finished", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the agent cancelling the orphaned batch");
        using var quick = new TempConfig(Checks("web", open.Port, fast: 1));
        var run = await ProcessRunner.ConnCheckAsync(quick.Path, "--agent", $"web={agent.Address}");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("web/survivor name-fast-0 OK", run.Lines);
    }

    /// <summary>
    /// No warm-up: the very first run after agents start (as after a deploy or a reboot) reaches every
    /// one of them, greeting included, and runs every check.
    /// </summary>
    [Fact]
    public async Task The_first_run_after_agents_start_reaches_every_one_of_them()
    {
        var started = await Task.WhenAll(
            AgentProcess.StartAsync("web", "cold-web-1"),
            AgentProcess.StartAsync("web", "cold-web-2"),
            AgentProcess.StartAsync("batch", "cold-batch-1"));
        await using var web1 = started[0];
        await using var web2 = started[1];
        await using var batch1 = started[2];
        using var open = new AcceptingListener();
        using var config = new TempConfig(Checks("web", open.Port, fast: 2) + $"- {{ type: tcp, name: batch-check, from: batch, host: 127.0.0.1, port: {open.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"web={web1.Address}", "--agent", $"web={web2.Address}", "--agent", $"batch={batch1.Address}");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            ["batch/cold-batch-1 batch-check OK", "web/cold-web-1 name-fast-0 OK", "web/cold-web-1 name-fast-1 OK", "web/cold-web-2 name-fast-0 OK", "web/cold-web-2 name-fast-1 OK"],
            run.Lines[1..].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_second_agent_on_the_same_port_refuses_to_start()
    {
        await using var first = await AgentProcess.StartAsync("web", "first");
        var second = await ProcessRunner.RunAsync(Repo.AgentDll, ["--zone", "web", "--name", "second", "--bind", first.Address], null, TimeSpan.FromSeconds(30));

        Assert.Equal(3, second.ExitCode);
        Assert.Contains($"cannot listen on {first.Address}: the port is already in use", second.Stderr);
    }

    [Fact]
    public async Task Sigterm_stops_an_agent_gracefully()
    {
        await using var agent = await AgentProcess.StartAsync("web", "graceful");
        agent.Process.Terminate();
        var exit = await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, exit);
        Assert.Contains("stopping: leaving the cluster", agent.Process.Output);
    }

    [Fact]
    public async Task Bad_agent_arguments_exit_3_with_a_clear_message()
    {
        var noZone = await ProcessRunner.RunAsync(Repo.AgentDll, ["--name", "x"], null, TimeSpan.FromSeconds(30));
        var badBind = await ProcessRunner.RunAsync(Repo.AgentDll, ["--zone", "web", "--bind", "nonsense:port"], null, TimeSpan.FromSeconds(30));
        var badZone = await ProcessRunner.RunAsync(Repo.AgentDll, ["--zone", "local"], null, TimeSpan.FromSeconds(30));

        Assert.Equal(3, noZone.ExitCode);
        Assert.Contains("--zone", noZone.Stderr);
        Assert.Equal(3, badBind.ExitCode);
        Assert.Contains("bad --bind 'nonsense:port'", badBind.Stderr);
        Assert.Equal(3, badZone.ExitCode);
        Assert.Contains("bad zone name 'local'", badZone.Stderr);
    }

    private static string Checks(string zone, int port, int fast = 0, int slow = 0)
    {
        var yaml = new System.Text.StringBuilder();
        for (var i = 0; i < fast; i++)
        {
            yaml.Append($"- {{ type: tcp, name: name-fast-{i}, from: {zone}, host: 127.0.0.1, port: {port} }}\n");
        }

        for (var i = 0; i < slow; i++)
        {
            yaml.Append($"- {{ type: tcp, name: name-slow-{i}, from: {zone}, host: 127.0.0.1, port: {port}, timeout: 60 }}\n");
        }

        return yaml.ToString();
    }

    /// <summary>
    /// An agent of zone web running a batch of fast checks (answered) and slow ones (held by a black
    /// hole) for a coordinator started with -U: once the fast results stream back, the slow checks are
    /// running on the agent, the moment to kill or freeze it.
    /// </summary>
    private sealed class MidBatch : IAsyncDisposable
    {
        private readonly AcceptingListener open;
        private readonly BlackHoleListener hole;
        private readonly TempConfig config;

        private MidBatch(AgentProcess agent, AcceptingListener open, BlackHoleListener hole, TempConfig config, RunningProcess coordinator)
        {
            Agent = agent;
            this.open = open;
            this.hole = hole;
            this.config = config;
            Coordinator = coordinator;
        }

        public AgentProcess Agent { get; }

        public RunningProcess Coordinator { get; }

        public static async Task<MidBatch> StartAsync(string agentName, int checksEach)
        {
            var agent = await AgentProcess.StartAsync("web", agentName);
            var open = new AcceptingListener();
            var hole = new BlackHoleListener();
            var config = new TempConfig(Checks("web", open.Port, fast: checksEach) + Checks("web", hole.Port, slow: checksEach));
            var coordinator = RunningProcess.Start(Repo.CoordinatorDll, [config.Path, "--agent", $"web={agent.Address}", "-U"]);
            await coordinator.WaitForLineAsync(l => l.StartsWith($"web/{agentName} name-fast-{checksEach - 1} OK", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the fast results");
            return new MidBatch(agent, open, hole, config, coordinator);
        }

        public async ValueTask DisposeAsync()
        {
            await Coordinator.DisposeAsync();
            await Agent.DisposeAsync();
            config.Dispose();
            hole.Dispose();
            open.Dispose();
        }
    }
}
