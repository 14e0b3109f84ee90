using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// Vantage-point verification on a real multi-zone network (namespaces, veth, an iptables router):
/// each agent reports exactly the paths its zone's firewall allows, and a firewall change shows up
/// as exactly the affected results changing.
/// </summary>
[Collection(ZonesCollection.Name)]
public sealed class ZoneRunTests(ZonedNetworkFixture fixture) : IClassFixture<ZonedNetworkFixture>
{
    private ZoneNetwork Net => fixture.Network;

    private string Svc => Net.Services;

    private string[] BaselineLines =>
    [
        $"batch/batch-1 postgres:{Svc}:5432 FAILED - timed out after 3s",
        $"batch/batch-1 redis:{Svc}:6379 FAILED - connection refused",
        "web/web-1 web must not reach 7002 FAILED - reachable: connection succeeded, but this path must be closed",
        "web/web-2 web must not reach 7002 FAILED - reachable: connection succeeded, but this path must be closed",
        $"batch/batch-1 udp:{Svc}:7004 FAILED - connection refused",
        $"web/web-1 postgres:{Svc}:5432 OK",
        $"web/web-2 postgres:{Svc}:5432 OK",
        $"web/web-1 redis:{Svc}:6379 OK",
        $"web/web-2 redis:{Svc}:6379 OK",
        $"batch/batch-1 tcp:{Svc}:7001 OK",
        $"tcp:{Svc}:7001 OK",
        $"web/web-1 tcp:{Svc}:7001 OK",
        $"web/web-2 tcp:{Svc}:7001 OK",
        "batch/batch-1 batch must not reach 7002 OK - unreachable as required: timed out",
        "batch/batch-1 nobody reaches 7003 OK - unreachable as required: connection refused",
        "web/web-1 nobody reaches 7003 OK - unreachable as required: connection refused",
        "web/web-2 nobody reaches 7003 OK - unreachable as required: connection refused",
        $"web/web-1 udp:{Svc}:7004 OK",
        $"web/web-2 udp:{Svc}:7004 OK",
    ];

    [Fact]
    public async Task Each_agent_reports_exactly_its_zones_allowed_and_denied_paths_and_a_rule_change_changes_exactly_its_results()
    {
        using var config = new TempConfig(ZoneConfigs.Zoned(Net));

        var before = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);

        Assert.True(before.ExitCode == 2, before.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 5 of 19 checks failed (batch 3/6, local 0/1, web 2/12) |", before.StatusLine);
        Assert.Equal(BaselineLines, before.Lines[1..]);
        Assert.DoesNotContain(Net.PgPassword, before.Stdout + before.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Net.RedisPassword, before.Stdout + before.Stderr, StringComparison.Ordinal);

        // The batch zone is now allowed to reach PostgreSQL: that one result, and nothing else, changes.
        string[] allow = ["batch-svc", "-p", "tcp", "--dport", "5432", "-j", "ACCEPT"];
        await Net.IptablesAsync(Net.Router, ["-I", .. allow]);
        ProcessResult after;
        try
        {
            after = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);
        }
        finally
        {
            await Net.IptablesAsync(Net.Router, ["-D", .. allow]);
        }

        Assert.True(after.ExitCode == 2, after.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 4 of 19 checks failed (batch 2/6, local 0/1, web 2/12) |", after.StatusLine);
        var (gone, added) = Diff(before, after);
        Assert.Equal([$"batch/batch-1 postgres:{Svc}:5432 FAILED - timed out after 3s"], gone);
        Assert.Equal([$"batch/batch-1 postgres:{Svc}:5432 OK"], added);
    }

    [Fact]
    public async Task On_all_runs_on_each_host_so_a_host_firewall_on_web_2_fails_only_web_2()
    {
        using var config = new TempConfig(ZoneConfigs.Zoned(Net));
        var before = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);
        Assert.Equal(BaselineLines, before.Lines[1..]);

        string[] drop = ["OUTPUT", "-p", "tcp", "-d", Svc, "--dport", "7001", "-j", "DROP"];
        await Net.IptablesAsync(Net.NamespaceOf("web-2"), ["-A", .. drop]);
        ProcessResult after;
        try
        {
            after = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed);
        }
        finally
        {
            await Net.IptablesAsync(Net.NamespaceOf("web-2"), ["-D", .. drop]);
        }

        Assert.StartsWith("CONN-CHECK CRITICAL: 6 of 19 checks failed (batch 3/6, local 0/1, web 3/12) |", after.StatusLine);
        var (gone, added) = Diff(before, after);
        Assert.Equal([$"web/web-2 tcp:{Svc}:7001 OK"], gone);
        Assert.Equal([$"web/web-2 tcp:{Svc}:7001 FAILED - timed out after 3s"], added);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("no-route")]
    public async Task A_zone_the_coordinator_cannot_reach_is_unknown_with_the_reason_and_the_others_still_report(string how)
    {
        using var config = new TempConfig(ZoneConfigs.Zoned(Net));
        var batch = Net.AddressOf("batch-1");
        var reason = how == "drop"
            ? $"no agent in zone batch (agent at {batch}:4550 unreachable: no answer within 3s (no connection: packets dropped on the way?))"
            : $"no agent in zone batch (agent at {batch}:4550 unreachable: no route to host)";
        string[] drop = ["FORWARD", "-s", Net.CoordinatorAddress, "-d", "10.77.2.0/24", "-j", "DROP"];
        ProcessResult run;
        if (how == "drop")
        {
            await Net.IptablesAsync(Net.Router, ["-I", .. drop]);
        }
        else
        {
            await Shell(Net.CoordinatorNs, "ip route del 10.77.2.0/24");
        }

        try
        {
            // The unreachable agent is also the first seed: the coordinator must still bind to an
            // address the other zones can reach, and learn the membership from the next seed.
            run = await Net.ConnCheckAsync(config.Path, "--seed", $"{batch}:4550", "--seed", Net.Seed, "--max-timeout", "30");
        }
        finally
        {
            if (how == "drop")
            {
                await Net.IptablesAsync(Net.Router, ["-D", .. drop]);
            }
            else
            {
                await Shell(Net.CoordinatorNs, "ip route add 10.77.2.0/24 via 10.77.8.1");
            }
        }

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 2 of 19 checks failed (batch 0/6, local 0/1, web 2/12) [6 unknown] |", run.StatusLine);
        string[] unknown =
        [
            $"batch/- postgres:{Svc}:5432 UNKNOWN - {reason}",
            $"batch/- redis:{Svc}:6379 UNKNOWN - {reason}",
            $"batch/- tcp:{Svc}:7001 UNKNOWN - {reason}",
            $"batch/- batch must not reach 7002 UNKNOWN - {reason}",
            $"batch/- nobody reaches 7003 UNKNOWN - {reason}",
            $"batch/- udp:{Svc}:7004 UNKNOWN - {reason}",
        ];
        Assert.Equal(unknown, run.Lines.Where(l => l.StartsWith("batch/", StringComparison.Ordinal)));
        Assert.Equal(BaselineLines.Where(l => !l.StartsWith("batch/", StringComparison.Ordinal)), run.Lines[1..].Where(l => !l.StartsWith("batch/", StringComparison.Ordinal)));
        // Well within --max-timeout: one discovery timeout (3 s) plus start-up and the checks.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), run.ToString());
    }

    private async Task Shell(string netns, string script)
    {
        var result = await Net.ShellAsync(netns, script);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static (string[] Gone, string[] Added) Diff(ProcessResult before, ProcessResult after) =>
        (before.Lines[1..].Except(after.Lines[1..]).ToArray(), after.Lines[1..].Except(before.Lines[1..]).ToArray());
}
