using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>Coordinator and agents as real processes on loopback: dispatch, aggregation, discovery failures.</summary>
public sealed class DistributedRunTests(AgentClusterFixture cluster) : IClassFixture<AgentClusterFixture>
{
    [Fact]
    public async Task Checks_run_on_every_agent_of_their_zones_and_the_report_names_each_vantage_point()
    {
        using var open = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            zones:
              web: {"{}"}
              batch: {"{}"}
            checks:
              - type: tcp
                from: [web, batch]
                host: 127.0.0.1
                port: {open.Port}
              - type: tcp
                from: batch
                host: 127.0.0.1
                port: {closed}
              - type: tcp
                host: 127.0.0.1
                port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 5 checks failed (batch 1/2, local 0/1, web 0/2) |", run.StatusLine);
        Assert.Equal(
            [
                $"batch/batch-1 tcp:127.0.0.1:{closed} FAILED - connection refused",
                $"batch/batch-1 tcp:127.0.0.1:{open.Port} OK",
                $"tcp:127.0.0.1:{open.Port} OK",
                $"web/web-1 tcp:127.0.0.1:{open.Port} OK",
                $"web/web-2 tcp:127.0.0.1:{open.Port} OK",
            ],
            run.Lines[1..]);
        var accepted = await open.AcceptedAsync(4);
        Assert.True(accepted >= 4, $"listener saw {accepted} connections\n{run}");
    }

    [Fact]
    public async Task On_any_runs_a_check_on_exactly_one_agent_of_the_zone()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"""
            - type: tcp
              from: web
              on: any
              host: 127.0.0.1
              port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed);

        Assert.Equal(0, run.ExitCode);
        Assert.Single(run.Lines, l => l.StartsWith("web/web-", StringComparison.Ordinal) && l.EndsWith(" OK", StringComparison.Ordinal));
        Assert.Equal(2, run.Lines.Length);
    }

    [Fact]
    public async Task Zones_without_enough_agents_are_unknown_with_the_reason()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"""
            zones:
              web: {"{ min_agents: 3 }"}
              db: {"{}"}
            checks:
              - type: tcp
                from: [web, db]
                host: 127.0.0.1
                port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("CONN-CHECK UNKNOWN: 2 of 2 checks could not run (db 1/1, web 1/1)", run.StatusLine);
        Assert.Contains($"db/- tcp:127.0.0.1:{open.Port} UNKNOWN - no agent in zone db", run.Lines);
        Assert.Contains($"web/- tcp:127.0.0.1:{open.Port} UNKNOWN - zone web has 2 live agent(s), needs 3 (min_agents)", run.Lines);
        Assert.Equal(0, await open.SettledCountAsync());
    }

    [Fact]
    public async Task A_dead_first_seed_falls_back_to_the_next_one()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"""
            - type: tcp
              from: batch
              host: 127.0.0.1
              port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", $"127.0.0.1:{Loopback.ClosedPort()}", "--seed", cluster.Seed);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"batch/batch-1 tcp:127.0.0.1:{open.Port} OK", run.Lines);
    }

    [Fact]
    public async Task No_seed_answering_makes_remote_checks_unknown_while_local_checks_still_run()
    {
        using var open = new AcceptingListener();
        var deadSeed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: tcp
              from: web
              host: 127.0.0.1
              port: {open.Port}
            - type: tcp
              host: 127.0.0.1
              port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(new Dictionary<string, string> { ["CONN_CHECK_SEEDS"] = $"127.0.0.1:{deadSeed}" }, config.Path);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"web/- tcp:127.0.0.1:{open.Port} UNKNOWN - no agent in zone web (no seed answered (127.0.0.1:{deadSeed}: connection refused))", run.Lines);
        Assert.Contains($"tcp:127.0.0.1:{open.Port} OK", run.Lines);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(5), run.ToString());
    }

    [Fact]
    public async Task A_static_agent_bypasses_discovery_and_a_wrong_zone_is_refused()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"""
            - type: tcp
              from: [batch, web]
              host: 127.0.0.1
              port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--agent", $"batch={cluster.Batch1.Address}", "--agent", $"web={cluster.Batch1.Address}");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"batch/batch-1 tcp:127.0.0.1:{open.Port} OK", run.Lines);
        Assert.Contains(run.Lines, l => l.StartsWith($"web/- tcp:127.0.0.1:{open.Port} UNKNOWN - no agent in zone web (agent batch-1 at {cluster.Batch1.Address} is in zone batch, not web", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Export_fw_names_an_agent_that_did_not_answer_and_exits_3()
    {
        var dead = Loopback.ClosedPort();
        using var config = new TempConfig("""
            - type: tcp
              from: web
              host: 127.0.0.1
              port: 5432
            """);

        var export = await ProcessRunner.ConnCheckAsync("export-fw", config.Path, "--agent", $"web={cluster.Web1.Address}", "--agent", $"web=127.0.0.1:{dead}");

        Assert.Equal(3, export.ExitCode);
        Assert.Contains("- from_host: 127.0.0.1", export.Stdout, StringComparison.Ordinal);
        Assert.Contains($"# zone web: no rules for agent 127.0.0.1:{dead}: agent at 127.0.0.1:{dead} unreachable: connection refused", export.Stdout, StringComparison.Ordinal);
        Assert.Contains($"conn-check export-fw: agent 127.0.0.1:{dead} of zone web did not answer, its rules are missing", export.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dry_run_shows_zone_and_agent_for_each_check_and_connects_to_nothing()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"""
            - type: tcp
              from: [web, batch]
              host: 127.0.0.1
              port: {open.Port}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--dry-run");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"batch/batch-1 at 127.0.0.1:{cluster.Batch1.Port}: tcp:127.0.0.1:{open.Port} -> tcp 127.0.0.1:{open.Port}", run.Lines);
        Assert.Contains($"web/web-1 at 127.0.0.1:{cluster.Web1.Port}: tcp:127.0.0.1:{open.Port} -> tcp 127.0.0.1:{open.Port}", run.Lines);
        Assert.Contains($"web/web-2 at 127.0.0.1:{cluster.Web2.Port}: tcp:127.0.0.1:{open.Port} -> tcp 127.0.0.1:{open.Port}", run.Lines);
        Assert.Equal(0, await open.SettledCountAsync());
    }

    [Fact]
    public async Task Agents_command_lists_the_live_agents_by_zone()
    {
        var run = await ProcessRunner.ConnCheckAsync("agents", "--seed", cluster.Seed);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal("CONN-CHECK AGENTS OK: 3 agent(s) in 2 zone(s), 1 cluster(s), 0 unreachable from here", run.StatusLine);
        Assert.Matches($@"^batch\s+batch-1\s+127\.0\.0\.1:{cluster.Batch1.Port}\s+1\s+Up\s+reachable \(", run.Lines[2]);
        Assert.Matches($@"^web\s+web-1\s+127\.0\.0\.1:{cluster.Web1.Port}\s+1\s+Up\s+reachable \(", run.Lines[3]);
        Assert.Matches($@"^web\s+web-2\s+127\.0\.0\.1:{cluster.Web2.Port}\s+1\s+Up\s+reachable \(", run.Lines[4]);
        Assert.Equal($"cluster 1: 3 agent(s) in batch, web, answered by seed 127.0.0.1:{cluster.Web1.Port}", run.Lines[5]);
    }

    [Fact]
    public async Task The_deadline_keeps_streamed_results_and_makes_the_rest_unknown()
    {
        using var open = new AcceptingListener();
        using var hole = new BlackHoleListener();
        using var config = new TempConfig($"""
            - type: tcp
              from: web
              on: any
              host: 127.0.0.1
              port: {open.Port}
            - type: tcp
              from: web
              on: any
              timeout: 30
              host: 127.0.0.1
              port: {hole.Port}
            """);

        // 8 s leaves a loaded machine time to start, discover and stream the fast result back.
        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--seed", cluster.Seed, "--max-timeout", "8");

        Assert.Equal(3, run.ExitCode);
        Assert.True(run.Lines.Any(l => l.EndsWith($"tcp:127.0.0.1:{open.Port} OK", StringComparison.Ordinal)), run.ToString());
        Assert.Contains(run.Lines, l => l.EndsWith($"tcp:127.0.0.1:{hole.Port} UNKNOWN - deadline passed (--max-timeout 8s) before the check finished", StringComparison.Ordinal));

        // The contract: the run ends within max-timeout plus one second (plus process start-up and exit).
        Assert.InRange(run.Elapsed.TotalSeconds, 7.5, 9.5);
    }
}
