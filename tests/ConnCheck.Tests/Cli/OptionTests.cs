using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Cli;

/// <summary>Command-line options and argument errors, run as a process the way operators and NRPE do.</summary>
public sealed class OptionTests
{
    private const string Secret = "s3cr3t-Pa55word-never-printed";

    [Fact]
    public async Task Patterns_glob_over_check_names()
    {
        using var listener = new AcceptingListener();
        using var config = Named(listener.Port, ("web-db", "db"), ("web-cache", "cache"), ("batch-db", "db"));

        var star = await ProcessRunner.ConnCheckAsync(config.Path, "web-*");
        var several = await ProcessRunner.ConnCheckAsync(config.Path, "*-db", "web-cach*");
        var exact = await ProcessRunner.ConnCheckAsync(config.Path, "batch-db");

        Assert.Equal(["web-cache OK", "web-db OK"], Results(star));
        Assert.Equal(["batch-db OK", "web-cache OK", "web-db OK"], Results(several));
        Assert.Equal(["batch-db OK"], Results(exact));
        Assert.StartsWith("CONN-CHECK OK: 2 checks passed [1 skipped] |", star.StatusLine);
    }

    [Fact]
    public async Task Include_and_exclude_tags_select_checks()
    {
        using var listener = new AcceptingListener();
        using var config = Named(listener.Port, ("web-db", "db"), ("web-cache", "cache"), ("batch-db", "db"));

        var include = await ProcessRunner.ConnCheckAsync(config.Path, "--include-tags", "cache");
        var includeTwo = await ProcessRunner.ConnCheckAsync(config.Path, "--include-tags", "cache,db");
        var exclude = await ProcessRunner.ConnCheckAsync(config.Path, "--exclude-tags", "db");

        Assert.Equal(["web-cache OK"], Results(include));
        Assert.Equal(["batch-db OK", "web-cache OK", "web-db OK"], Results(includeTwo));
        Assert.Equal(["web-cache OK"], Results(exclude));
        Assert.StartsWith("CONN-CHECK OK: 1 check passed [2 skipped] |", exclude.StatusLine);
    }

    [Fact]
    public async Task Include_and_exclude_tags_together_is_an_argument_error()
    {
        using var listener = new AcceptingListener();
        using var config = Named(listener.Port, ("web-db", "db"));

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--include-tags", "db", "--exclude-tags", "cache");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("--include-tags and --exclude-tags cannot be used together", run.Stderr);
        Assert.Equal(0, await listener.SettledCountAsync());
    }

    [Fact]
    public async Task Dry_run_prints_zone_and_agent_per_check_and_connects_to_nothing()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($$"""
            checks:
              - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: here }
              - { type: tcp, from: [web, batch], host: 127.0.0.1, port: {{listener.Port}}, name: there, reachable: false }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--dry-run");
        var simulated = await ProcessRunner.ConnCheckAsync(config.Path, "--dry-run", "--local");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(
            [
                "1 check run(s) planned, 2 cannot run, 0 skipped",
                $"local: here -> tcp 127.0.0.1:{listener.Port}",
                "web: there UNKNOWN - no agent in zone web (no --seed or --agent given)",
                "batch: there UNKNOWN - no agent in zone batch (no --seed or --agent given)",
            ],
            run.Lines);
        Assert.True(simulated.ExitCode == 0, simulated.ToString());
        Assert.Equal(
            [
                "3 check run(s) planned, 0 cannot run, 0 skipped",
                $"batch/simulated: there -> tcp 127.0.0.1:{listener.Port} (must be unreachable)",
                $"local: here -> tcp 127.0.0.1:{listener.Port}",
                $"web/simulated: there -> tcp 127.0.0.1:{listener.Port} (must be unreachable)",
            ],
            simulated.Lines);

        Assert.Equal(0, await listener.SettledCountAsync());
    }

    [Fact]
    public async Task Validate_checks_the_config_and_connects_to_nothing()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, host: 127.0.0.1, port: {listener.Port}, from: web }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--validate");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{config.Path}: valid, 1 check from zones web", run.StatusLine);
        Assert.Equal(0, await listener.SettledCountAsync());
    }

    [Fact]
    public async Task Version_and_help_exit_0()
    {
        var version = await ProcessRunner.ConnCheckAsync("--version");
        var help = await ProcessRunner.ConnCheckAsync("--help");

        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Matches(@"^conn-check \d+\.\d+\.\d+ \(protocol \d+\)$", version.StatusLine);
        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var option in new[] { "--validate", "--dry-run", "--include-tags", "--exclude-tags", "--connect-timeout", "--max-timeout", "--unbuffered-output", "--verbose", "--duration", "--local" })
        {
            Assert.Contains(option, help.Stdout);
        }
    }

    [Theory]
    [InlineData("--frobnicate")]
    [InlineData("--connect-timeout", "0")]
    [InlineData("--connect-timeout", "-1")]
    [InlineData("--connect-timeout", "soon")]
    [InlineData("--max-timeout", "0")]
    [InlineData("--max-timeout", "NaN")]
    [InlineData("--max-timeout", "1e9")]
    [InlineData("--connect-timeout", "86401")]
    [InlineData("--format", "xml")]
    [InlineData("--concurrency", "0")]
    [InlineData("--concurrency", "many")]
    [InlineData("-x")]
    public async Task Bad_option_is_an_argument_error_exit_3(params string[] option)
    {
        using var listener = new AcceptingListener();
        using var config = Named(listener.Port, ("web-db", "db"));

        var run = await ProcessRunner.ConnCheckAsync([config.Path, .. option]);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("conn-check: ", run.Stderr);
        Assert.True(run.Stderr.Contains(option[0], StringComparison.Ordinal) || run.Stderr.Contains($"'{option[^1]}'", StringComparison.Ordinal), run.ToString());
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.Equal(0, await listener.SettledCountAsync());
    }

    [Fact]
    public async Task No_config_argument_is_an_argument_error_exit_3()
    {
        var run = await ProcessRunner.ConnCheckAsync();

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("conn-check: Required argument missing", run.Stderr);
    }

    [Fact]
    public async Task Missing_config_file_exits_3_with_a_clear_message()
    {
        var path = Path.Combine(Path.GetTempPath(), $"conncheck-missing-{Guid.NewGuid():N}.yaml");

        var run = await ProcessRunner.ConnCheckAsync(path);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal($"{path}: config file not found", run.Stderr.Trim());
        Assert.Equal($"CONN-CHECK UNKNOWN: invalid config {path}: config file not found", run.StatusLine);
    }

    [Fact]
    public async Task Directory_as_config_exits_3_with_a_clear_message()
    {
        using var config = new TempConfig("");

        var run = await ProcessRunner.ConnCheckAsync(config.Directory);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Equal($"{config.Directory}: is a directory, not a config file", run.Stderr.Trim());
    }

    [Fact]
    public async Task Secret_from_the_environment_never_appears_in_any_output()
    {
        var environment = new Dictionary<string, string> { ["CONNCHECK_TEST_SECRET"] = Secret };
        using var listener = new AcceptingListener();
        using var unknownField = new TempConfig($$"""
            - type: tcp
              host: 127.0.0.1
              port: {{listener.Port}}
              password: ${CONNCHECK_TEST_SECRET}
            """);
        using var badValues = new TempConfig("""
            - type: tcp
              host: ${CONNCHECK_TEST_SECRET} x
              port: ${CONNCHECK_TEST_SECRET}
              timeout: ${CONNCHECK_TEST_SECRET}
              on: ${CONNCHECK_TEST_SECRET}
            """);

        foreach (var config in new[] { unknownField, badValues })
        {
            foreach (var options in new[] { new[] { "--validate" }, ["--dry-run"], ["-v", "-d", "-t"], ["-U", "--local"] })
            {
                var run = await ProcessRunner.ConnCheckAsync(environment, [config.Path, .. options]);

                Assert.True(run.ExitCode == 3, run.ToString());
                Assert.DoesNotContain(Secret, run.Stdout + run.Stderr);
                Assert.Contains($"{config.Path}:", run.Stderr);
            }
        }

        var secondRun = await ProcessRunner.ConnCheckAsync(environment, badValues.Path, "--validate");
        Assert.Contains("'port' must be a whole number, got '${CONNCHECK_TEST_SECRET}' (after environment expansion)", secondRun.Stderr);
        Assert.Contains("'host' is not a host name or address: '${CONNCHECK_TEST_SECRET} x' (after environment expansion)", secondRun.Stderr);
        Assert.Equal(0, await listener.SettledCountAsync());
    }

    private static TempConfig Named(int port, params (string Name, string Tag)[] checks) =>
        new(string.Concat(checks.Select(c => $"- {{ type: tcp, host: 127.0.0.1, port: {port}, name: {c.Name}, tags: [{c.Tag}] }}\n")));

    private static string[] Results(ProcessResult run)
    {
        Assert.True(run.ExitCode == 0, run.ToString());
        return run.Lines[1..].Order(StringComparer.Ordinal).ToArray();
    }
}
