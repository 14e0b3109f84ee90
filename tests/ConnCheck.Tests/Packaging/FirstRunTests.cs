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
        Assert.Matches(MatrixRow("batch/batch-1", "OK", "FAIL", "BLOCKED", "-", "OK"), string.Join('\n', report));
        Assert.Matches(MatrixRow("web/web-1", "OK", "-", "BLOCKED", "OK", "-"), string.Join('\n', report));
        Assert.Matches(MatrixRow("web/web-2", "OK", "-", "BLOCKED", "FAIL", "-"), string.Join('\n', report));

        // Everything it started is gone: nothing listens on the agents' ports any more.
        var agentsLine = run.AllLines.Single(l => l.StartsWith("demo: agents ", StringComparison.Ordinal));
        foreach (Match address in AgentAddress().Matches(agentsLine))
        {
            var left = await ProcessRunner.RunCommandAsync("pgrep", ["-f", $"--bind {address.Value}"], null, TimeSpan.FromSeconds(10));
            Assert.True(left.ExitCode == 1, $"still running after the demo: {left.Stdout}");
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

    private static Regex MatrixRow(string vantage, params string[] cells) =>
        new($"(?m)^{Regex.Escape(vantage)} +{string.Join(" +", cells.Select(Regex.Escape))} *$");

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex AgentAddress();
}
