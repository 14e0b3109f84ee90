using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Packaging;

/// <summary>The README's first command, exactly as written there, and the report it prints.</summary>
public sealed partial class FirstRunTests
{
    [Fact]
    public async Task The_readme_first_command_runs_agents_in_two_zones_and_reports_every_kind_of_path()
    {
        var command = FirstCommand(await File.ReadAllTextAsync(Path.Combine(Repo.Root, "README.md")));
        Assert.Equal("dotnet run --project demo -c Release", command);

        var run = await ProcessRunner.RunCommandAsync("bash", ["-c", $"cd {Repo.Root} && {command}"], null, TimeSpan.FromMinutes(4));

        Assert.True(run.ExitCode == 2, run.ToString());
        var report = run.AllLines.SkipWhile(l => !l.StartsWith("$ conn-check demo/checks.yaml", StringComparison.Ordinal)).Skip(1).ToArray();
        Assert.True(report.Length > 0, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 2 of 10 checks failed (batch 1/4, web 1/6) |", report[0]);
        var results = report.Skip(1).TakeWhile(l => !l.StartsWith("Zone matrix", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
            [
                "batch/batch-1 admin-ssh-closed OK - unreachable as required: connection refused", "batch/batch-1 api OK",
                "batch/batch-1 payments FAILED - connection refused", "batch/batch-1 statsd OK",
                "web/web-1 admin-ssh-closed OK - unreachable as required: connection refused", "web/web-1 api OK", "web/web-1 database OK",
                "web/web-2 admin-ssh-closed OK - unreachable as required: connection refused", "web/web-2 api OK", "web/web-2 database FAILED - refused by agent allowlist",
            ],
            results.Select(l => Regex.Replace(l, ": 127\\.0\\.0\\.1:.*", "")).Order(StringComparer.Ordinal));

        // The matrix: web-1 and web-2 differ on the database column, batch-1 alone sees payments fail.
        Assert.Contains("Zone matrix (3 vantage points x 5 destinations)", report);
        var ports = TargetPorts().Match(run.AllLines.Single(l => l.StartsWith("demo: targets ", StringComparison.Ordinal)));
        Assert.True(ports.Success, run.ToString());
        var matrix = Matrix(report);
        var columns = new[] { ("api", ""), ("closed", ""), ("down", ""), ("db", ""), ("udp", "/udp") };
        string Row(string vantage) =>
            $"{vantage} " + string.Join(' ', columns.Select(c => $"{c.Item1}={matrix[vantage].GetValueOrDefault($"127.0.0.1:{ports.Groups[c.Item1].Value}{c.Item2}")}"));
        Assert.Equal(
            [
                "batch/batch-1 api=OK closed=BLOCKED down=FAIL db=- udp=OK",
                "web/web-1 api=OK closed=BLOCKED down=- db=OK udp=-",
                "web/web-2 api=OK closed=BLOCKED down=- db=FAIL udp=-",
            ],
            new[] { "batch/batch-1", "web/web-1", "web/web-2" }.Select(Row));

        // Everything it started is gone: nothing listens on the agents' ports any more.
        var agentsLine = run.AllLines.Single(l => l.StartsWith("demo: agents ", StringComparison.Ordinal));
        foreach (Match address in AgentAddress().Matches(agentsLine))
        {
            var left = await ProcessRunner.RunCommandAsync("pgrep", ["-f", $"conn-check-agent.dll .*bind {address.Value}"], null, TimeSpan.FromSeconds(10));
            Assert.True(left.ExitCode == 1, $"still running after the demo: {left}");
        }

        Assert.Matches(@"demo: exit code 2 \(the report's\), \d+\.\d s", run.Stderr);
    }

    /// <summary>The first "$ " line of the first code block under "## Quick start".</summary>
    private static string FirstCommand(string readme)
    {
        var section = readme[readme.IndexOf("\n## Quick start\n", StringComparison.Ordinal)..];
        var block = section[(section.IndexOf("\n```\n", StringComparison.Ordinal) + 5)..];
        return block.Split('\n').First(l => l.StartsWith("$ ", StringComparison.Ordinal))[2..];
    }

    /// <summary>The --matrix table: vantage point → destination (from the legend) → cell.</summary>
    private static Dictionary<string, Dictionary<string, string>> Matrix(string[] report)
    {
        var table = report.SkipWhile(l => !l.StartsWith("zone/agent", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("Destinations:", StringComparison.Ordinal)).ToArray();
        var legend = report.SkipWhile(l => !l.StartsWith("Destinations:", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith('[')).Select(l => l.Split(' ', 2)[1]).ToArray();
        return table.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(cells => cells[0], cells => legend.Select((destination, i) => (destination, cell: cells[i + 1])).ToDictionary(x => x.destination, x => x.cell));
    }

    [GeneratedRegex(@"database tcp:(?<db>\d+), api http:(?<api>\d+), statsd udp:(?<udp>\d+); nothing listens on (?<closed>\d+) .* nor on (?<down>\d+) ")]
    private static partial Regex TargetPorts();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex AgentAddress();
}
