using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Cli;

/// <summary>
/// The subcommand registry and the output-format registry as a user meets them: each subcommand's --help
/// reads the way it is typed, the run's --help lists the subcommands, --format takes every registered format.
/// </summary>
public sealed class SubcommandTests
{
    [Theory]
    [InlineData("conn-check agents [options]", "agents")]
    [InlineData("conn-check export-fw <CONFIG> [<PATTERN>...] [options]", "export-fw")]
    [InlineData("conn-check convert-fw <FILE>... [options]", "convert-fw")]
    [InlineData("conn-check config [command] [options]", "config")]
    [InlineData("conn-check config django <SETTINGS.json> [options]", "config", "django")]
    [InlineData("conn-check config juju <STATUS> [options]", "config", "juju")]
    [InlineData("conn-check config env [options]", "config", "env")]
    [InlineData("conn-check history [options]", "history")]
    public async Task Subcommand_usage_reads_the_way_it_is_typed(string usage, params string[] command)
    {
        var help = await ProcessRunner.ConnCheckAsync([.. command, "--help"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Equal(usage, UsageLine(help));
        // The run's CONFIG is not listed among a subcommand's arguments (export-fw has one of its own).
        Assert.Equal(command[0] == "export-fw" ? 1 : 0, help.Stdout.Split('\n').Count(l => l.TrimStart().StartsWith("<CONFIG>", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_usage_is_the_originals_and_its_help_lists_every_subcommand()
    {
        var help = await ProcessRunner.ConnCheckAsync("--help");

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Equal("conn-check <CONFIG> [<PATTERN>...] [options]", UsageLine(help));
        var commands = help.Stdout.Split('\n').SkipWhile(l => !l.StartsWith("Commands", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.Length > 0).Select(l => l.Trim().Split(' ')[0]).ToArray();
        Assert.Equal(["agents", "export-fw", "convert-fw", "config", "history"], commands);
    }

    [Fact]
    public async Task An_argument_error_in_a_subcommand_points_at_that_subcommands_help()
    {
        var run = await ProcessRunner.ConnCheckAsync("agents", "--frobnicate");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("conn-check: ", run.Stderr);
        Assert.Contains("--frobnicate", run.Stderr, StringComparison.Ordinal);
        Assert.EndsWith("Try 'conn-check agents --help'.", run.Stderr.TrimEnd());
    }

    [Fact]
    public async Task Format_help_and_errors_name_every_registered_format()
    {
        using var config = new TempConfig("- type: tcp\n  host: 127.0.0.1\n  port: 1\n");

        var help = await ProcessRunner.ConnCheckAsync("--help");
        var bad = await ProcessRunner.ConnCheckAsync(config.Path, "--format", "xml");

        Assert.Contains("--format <html|json|junit|matrix|nagios|openmetrics>", help.Stdout, StringComparison.Ordinal);
        Assert.True(bad.ExitCode == 3, bad.ToString());
        foreach (var format in new[] { "nagios", "json", "junit", "openmetrics", "html", "matrix" })
        {
            Assert.Contains($"'{format}'", bad.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Html_and_matrix_are_formats_of_their_own_with_the_runs_exit_code()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- type: tcp\n  host: 127.0.0.1\n  port: {listener.Port}\n- type: tcp\n  host: 127.0.0.1\n  port: 1\n");

        var html = await ProcessRunner.ConnCheckAsync(config.Path, "--format", "html");
        var matrix = await ProcessRunner.ConnCheckAsync(config.Path, "--format", "matrix");

        Assert.True(html.ExitCode == 2, html.ToString());
        Assert.StartsWith("<!DOCTYPE html>", html.Stdout, StringComparison.Ordinal);
        Assert.Contains("<p class=\"status critical\">CONN-CHECK CRITICAL: 1 of 2 checks failed</p>", html.Stdout, StringComparison.Ordinal);
        Assert.True(matrix.ExitCode == 2, matrix.ToString());
        Assert.Equal("Zone matrix (1 vantage points x 2 destinations)", matrix.AllLines[0]);
        Assert.Contains("local      FAIL    OK", matrix.AllLines);
        Assert.DoesNotContain("CONN-CHECK", matrix.Stdout, StringComparison.Ordinal);
    }

    private static string UsageLine(ProcessResult help) =>
        help.Stdout.Split('\n').SkipWhile(l => l.Trim() != "Usage:").Skip(1).FirstOrDefault()?.Trim() ?? "";
}
