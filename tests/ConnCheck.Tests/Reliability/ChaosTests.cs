using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reliability;

/// <summary>
/// The short chaos run: bench/chaos --short builds its namespace estate (3 zones, 6 agents, one
/// cluster per zone), applies every fault kind once during a real coordinator run, and checks the
/// invariants after each (report in time, every pair once, UNKNOWN only for the hit agent and naming
/// the fault, whole again within 30 s, no late connections to the target).
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class ChaosTests
{
    private static readonly string[] Kinds = ["kill9", "sigstop", "coord-drop", "intra-drop", "seed-restart", "sigterm", "netem"];

    [Fact]
    public async Task Every_fault_kind_once_keeps_every_invariant()
    {
        var run = await ProcessRunner.RunCommandAsync("bash", [Path.Combine(Repo.Root, "bench", "chaos"), "--short", "--no-build", "--seed", "7"], null, TimeSpan.FromMinutes(10));

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var kind in Kinds)
        {
            var row = run.Lines.Single(l => l.StartsWith(kind + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(int.Parse(row[1], System.Globalization.CultureInfo.InvariantCulture) >= 1, $"{kind} never ran:\n{run}");
            Assert.Equal("0", row[2]);
        }

        Assert.Contains(run.Lines, l => l.StartsWith("total ", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[2] == "0");
        Assert.DoesNotContain(run.Lines, l => l.StartsWith("VIOLATION", StringComparison.Ordinal));

        // The netem fault was in effect (tc netem or the delay line): its run measured the added round trip.
        var netemRuns = run.Lines.Where(l => l.StartsWith("run ", StringComparison.Ordinal) && l.Contains(" netem ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(netemRuns);
        foreach (var netemRun in netemRuns)
        {
            var roundTrip = System.Text.RegularExpressions.Regex.Match(netemRun, @"round trip under the fault ([\d.]+)s");
            Assert.True(roundTrip.Success && double.Parse(roundTrip.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0.19, netemRun);
        }
    }
}
