using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// The network conn-check exists for: zones whose hosts cannot reach each other, one agent cluster
/// per zone, and a coordinator that reaches only the agents' port. Every agent must still report.
/// </summary>
[Collection(ZonesCollection.Name)]
public sealed class SegmentedNetworkTests(SegmentedEstateFixture fixture) : IClassFixture<SegmentedEstateFixture>
{
    private SegmentedEstate Estate => fixture.Estate;

    private string Svc => Estate.Services;

    private string Checks => $$"""
          - { type: tcp, from: [web, batch, ops], host: {{Svc}}, port: 7001 }
          - { type: tcp, from: web, host: {{Svc}}, port: 7002 }
          - { type: tcp, from: [batch, ops], host: {{Svc}}, port: 7002, reachable: false, timeout: 1, name: only web reaches 7002 }
        """;

    private string[] SeedArgs => Estate.ZoneSeeds.SelectMany(s => new[] { "--seed", s }).ToArray();

    [Fact]
    public async Task Given_one_seed_per_zone_the_coordinator_finds_every_cluster_and_every_agent_reports()
    {
        using var config = new TempConfig($"checks:\n{Checks}\n");

        var run = await Estate.ConnCheckAsync([config.Path, .. SeedArgs]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("CONN-CHECK OK: 8 checks passed (batch 0/2, ops 0/2, web 0/4) |", run.StatusLine, StringComparison.Ordinal);
        Assert.Equal(
            [
                $"batch/batch-1 tcp:{Svc}:7001 OK",
                $"ops/ops-1 tcp:{Svc}:7001 OK",
                $"web/web-1 tcp:{Svc}:7001 OK",
                $"web/web-2 tcp:{Svc}:7001 OK",
                "batch/batch-1 only web reaches 7002 OK - unreachable as required: timed out",
                "ops/ops-1 only web reaches 7002 OK - unreachable as required: timed out",
                $"web/web-1 tcp:{Svc}:7002 OK",
                $"web/web-2 tcp:{Svc}:7002 OK",
            ],
            run.Lines[1..]);
    }

    [Fact]
    public async Task Conn_check_agents_lists_every_cluster_by_zone()
    {
        var agents = await Estate.ConnCheckAsync(["agents", .. SeedArgs]);

        Assert.True(agents.ExitCode == 0, agents.ToString());
        Assert.Equal("CONN-CHECK AGENTS OK: 4 agent(s) in 3 zone(s), 3 cluster(s), 0 unreachable from here", agents.StatusLine);
        var rows = agents.Lines.Skip(2).Take(4).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..5]).ToArray();
        Assert.Equal(
            [
                ["batch", "batch-1", Estate.SeedOf("batch-1"), "1", "Up"],
                ["ops", "ops-1", Estate.SeedOf("ops-1"), "2", "Up"],
                ["web", "web-1", Estate.SeedOf("web-1"), "3", "Up"],
                ["web", "web-2", Estate.SeedOf("web-2"), "3", "Up"],
            ],
            rows);
        Assert.Contains($"cluster 3: 2 agent(s) in web, answered by seed {Estate.SeedOf("web-1")}", agents.Lines);
    }

    [Fact]
    public async Task Zone_seeds_come_from_the_config_and_a_zone_whose_seeds_fail_is_unknown_with_their_reasons_while_the_others_report()
    {
        var deadGlobal = $"{Estate.AddressOf("ops-1")}:4999";
        var deadOps = "10.79.3.99:4550";
        using var config = new TempConfig($$"""
            zones:
              web: { seeds: [{{Estate.SeedOf("web-1")}}] }
              batch: { seeds: ["{{Estate.SeedOf("batch-1")}}"] }
              ops: { seeds: [{{deadOps}}] }
            agents:
              seeds: [{{deadGlobal}}]
            checks:
            {{Checks}}
            """);

        var run = await Estate.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("CONN-CHECK UNKNOWN: 2 of 8 checks could not run (batch 0/2, ops 2/2, web 0/4) |", run.StatusLine, StringComparison.Ordinal);
        Assert.Contains($"web/web-2 tcp:{Svc}:7002 OK", run.Lines);
        Assert.Contains("batch/batch-1 only web reaches 7002 OK - unreachable as required: timed out", run.Lines);
        var ops = run.Lines.Where(l => l.StartsWith("ops/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, ops.Length);
        Assert.All(ops, l => Assert.EndsWith(
            $"UNKNOWN - no agent in zone ops (no seed of zone ops answered ({deadOps}: no answer within 3s (no connection: packets dropped on the way?)))",
            l,
            StringComparison.Ordinal));

        // Both dead seeds (the firewall drops both) are asked at once: one discovery timeout of 3 s
        // in all, where one after the other would take 6 s before anything ran.
        var dryRun = await Estate.ConnCheckAsync(config.Path, "--dry-run");
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.InRange(dryRun.Elapsed, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5.9));
    }

    [Fact]
    public async Task An_agent_that_cannot_reach_its_seed_says_so_once_and_still_serves_a_coordinator_that_greets_it()
    {
        using var hocon = new TempConfig("conn-check.agent.seed-warning-after = 2s\n", "agent.hocon");
        // batch-2 was given web-1 as its seed, which the zone firewall drops.
        await using var lost = await Estate.StartAgentAsync("batch", "batch-1", [Estate.SeedOf("web-1")], name: "batch-2", port: 4551, extraArgs: ["--hocon", hocon.Path]);
        await lost.Process.WaitForLineAsync(l => l.Contains("cannot join a cluster", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "the seed warning");
        using var config = new TempConfig($"checks:\n  - {{ type: tcp, from: batch, host: {Svc}, port: 7001 }}\n");

        var run = await Estate.ConnCheckAsync(config.Path, "--seed", lost.Address);

        Assert.True(run.ExitCode == 0, run.ToString() + lost.Process.Output);
        Assert.Equal([$"batch/batch-2 tcp:{Svc}:7001 OK"], run.Lines[1..]);
        var warning = Assert.Single(lost.Process.Output.Split('\n'), l => l.Contains("cannot join a cluster", StringComparison.Ordinal));
        Assert.Contains($"no seed reached ({Estate.SeedOf("web-1")}: no answer within 2s); retrying every 5s; coordinators that reach this agent directly are still served", warning, StringComparison.Ordinal);
        Assert.DoesNotContain("Couldn't join seed nodes", lost.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_fw_prints_exactly_the_paths_conn_check_itself_needs_coordinator_to_agents_and_agents_inside_each_cluster()
    {
        using var config = new TempConfig($"checks:\n  - {{ type: tcp, from: batch, host: {Svc}, port: 7001 }}\n");

        var export = await Estate.ConnCheckAsync(["export-fw", config.Path, .. SeedArgs, "--conn-check-paths"]);

        Assert.True(export.ExitCode == 0, export.ToString());
        using var file = new TempConfig(export.Stdout, "egress.yaml");
        var rules = ConnCheck.Coordinator.Firewall.EgressYaml.Read(file.Path)
            .Select(r => $"{r.FromZone} {r.FromHost} -> {r.ToHost} {r.Protocol} {string.Join(",", r.Ports)}")
            .Order(StringComparer.Ordinal)
            .ToArray();
        var coordinator = Estate.AddressOf("coord");
        string[] expected =
            [
                $"batch {Estate.AddressOf("batch-1")} -> {Svc} tcp 7001",
                $"coordinator {coordinator} -> {Estate.AddressOf("batch-1")} tcp 4550",
                $"coordinator {coordinator} -> {Estate.AddressOf("ops-1")} tcp 4550",
                $"coordinator {coordinator} -> {Estate.AddressOf("web-1")} tcp 4550",
                $"coordinator {coordinator} -> {Estate.AddressOf("web-2")} tcp 4550",
                $"web {Estate.AddressOf("web-1")} -> {Estate.AddressOf("web-2")} tcp 4550",
                $"web {Estate.AddressOf("web-2")} -> {Estate.AddressOf("web-1")} tcp 4550",
            ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), rules);
    }
}
