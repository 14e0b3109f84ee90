using System.Text.Json;
using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Scale;

/// <summary>
/// bench/scale --short: 32 real agents on 127.0.19.x in 8 zones run 10,000 (check, agent) pairs,
/// and the report accounts for every pair. Runs alone: 32 agents fill both cores while they start.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed partial class ScaleBenchmarkTests
{
    private static string Script => Path.Combine(Repo.Root, "bench", "scale");

    private static string Checker => Path.Combine(Repo.Root, "bench", "lib", "scale_report.py");

    [Fact]
    public async Task Short_mode_runs_32_agents_in_8_zones_and_accounts_for_all_10000_pairs()
    {
        var run = await ProcessRunner.RunCommandAsync("bash", [Script, "--short", "--no-build"], null, TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("report check: 10000 pairs, each once, all OK", run.Stderr);
        var row = TableRow().Match(run.Stdout);
        Assert.True(row.Success, run.ToString());
        // discovery and the first result come after the process started and before it ended
        var wall = int.Parse(row.Groups["wall"].Value);
        Assert.InRange(int.Parse(row.Groups["discovery"].Value), 0, wall);
        Assert.InRange(int.Parse(row.Groups["first"].Value), 1, wall);
        Assert.True(int.Parse(row.Groups["agentcpu"].Value) > 0, run.ToString());
        // nothing left behind
        var left = await ProcessRunner.RunCommandAsync("pgrep", ["-f", "conn-check-agent.dll .*--bind 127\\.0\\.19\\."], null, TimeSpan.FromSeconds(10));
        Assert.True(left.ExitCode == 1, $"agents still running after the benchmark: {left}");
    }

    [Theory]
    [InlineData("missing", "1 pair(s) missing")]
    [InlineData("twice", "1 pair(s) reported twice")]
    [InlineData("failed", "1 not OK, e.g. ['z1/a1 c0 FAILED connection refused']")]
    [InlineData("wrong-zone", "1 unexpected pair(s)")]
    public async Task The_report_check_fails_on_a_missing_doubled_failed_or_misplaced_pair(string damage, string expected)
    {
        // 2 agents, 2 zones: c0 on a1 (z1), c1 on a2 (z2)
        using var config = new TempConfig("checks:\n  - { type: tcp, name: c0, from: z1, on: all, host: 127.0.0.1, port: 1 }\n  - { type: tcp, name: c1, from: z2, on: all, host: 127.0.0.1, port: 1 }\n");
        var results = new List<Dictionary<string, string?>> { Result("c0", "z1", "a1", "OK"), Result("c1", "z2", "a2", "OK") };
        var whole = await CheckAsync(config, results);
        Assert.True(whole.ExitCode == 0, whole.ToString());
        Assert.Contains("report check: 2 pairs, each once, all OK", whole.Stderr);

        switch (damage)
        {
            case "missing": results.RemoveAt(1); break;
            case "twice": results.Add(Result("c1", "z2", "a2", "OK")); break;
            case "failed": results[0] = Result("c0", "z1", "a1", "FAILED", "connection refused"); break;
            default: results[1] = Result("c1", "z1", "a2", "OK"); results.Add(Result("c1", "z2", "a2", "OK")); break;
        }

        var damaged = await CheckAsync(config, results);
        Assert.True(damaged.ExitCode == 1, damaged.ToString());
        Assert.Contains(expected, damaged.Stderr);
    }

    private static Dictionary<string, string?> Result(string name, string zone, string agent, string status, string? reason = null) =>
        new() { ["name"] = name, ["zone"] = zone, ["agent"] = agent, ["status"] = status, ["label"] = $"{zone}/{agent} {name}", ["reason"] = reason };

    private static async Task<ProcessResult> CheckAsync(TempConfig config, List<Dictionary<string, string?>> results)
    {
        var report = Path.Combine(config.Directory, "report.json");
        await File.WriteAllTextAsync(report, JsonSerializer.Serialize(new { results }));
        return await ProcessRunner.RunCommandAsync("python3", [Checker, report, config.Path, "2"], null, TimeSpan.FromSeconds(30));
    }

    [GeneratedRegex(@"^\s+32\s+8\s+10000\s+(?<wall>\d+)\s+(?<cpu>\d+)\s+(?<rss>\d+)\s+(?<discovery>\d+)\s+(?<first>\d+)\s+(?<agentcpu>\d+)\s", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
