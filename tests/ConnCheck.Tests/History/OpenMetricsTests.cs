using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.History;

/// <summary>
/// --format openmetrics and --textfile from a real run through agents in two zones with OK, FAILED, WARNING
/// and UNKNOWN results and a check name with quotes and backslashes, validated by Debian's promtool.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class OpenMetricsTests(HistoryFixture fixture) : IClassFixture<HistoryFixture>
{
    private const string OddName = @"say ""hi"" C:\dir\ \n";

    [Fact]
    public async Task Promtool_accepts_the_metrics_and_the_textfile_of_a_run_with_every_status()
    {
        using var open = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            zones:
              web: {}
              db: {}
              batch: {}
            checks:
              - { type: tcp, name: '{{OddName}}', from: web, host: 127.0.0.1, port: {{open.Port}} }
              - { type: tcp, name: db-down, from: db, host: 127.0.0.1, port: {{closed}} }
              - { type: tcp, name: db-slow, from: db, host: 127.0.0.1, port: {{open.Port}}, warn_ms: 0.001 }
              - { type: tcp, name: no-agent, from: batch, host: 127.0.0.1, port: {{open.Port}} }
            """);
        var textfiles = Directory.CreateDirectory(Path.Combine(config.Directory, "textfiles")).FullName;

        var run = await ProcessRunner.ConnCheckAsync([config.Path, .. fixture.BothAgents, "--format", "openmetrics", "--textfile", textfiles]);

        Assert.True(run.ExitCode == 2, run.ToString());
        var textfile = Path.Combine(textfiles, "conn-check.prom");
        foreach (var (what, text) in new[] { ("stdout", run.Stdout), ("textfile", File.ReadAllText(textfile)) })
        {
            var lint = await PromtoolAsync(text, config.Directory);
            Assert.True(lint.ExitCode == 0, $"promtool check metrics on the {what}:\n{lint}\n--- metrics\n{text}");
        }

        Assert.EndsWith("# EOF\n", run.Stdout, StringComparison.Ordinal);
        var lines = run.Stdout.Split('\n');
        Assert.Contains(@"conn_check_result{check=""say \""hi\"" C:\\dir\\ \\n"",zone=""web"",agent=""web-1"",destination=""127.0.0.1:" + open.Port + @""",status=""ok""} 1", lines);
        Assert.Contains($"conn_check_result{{check=\"db-down\",zone=\"db\",agent=\"db-1\",destination=\"127.0.0.1:{closed}\",status=\"failed\"}} 1", lines);
        Assert.Contains($"conn_check_result{{check=\"db-slow\",zone=\"db\",agent=\"db-1\",destination=\"127.0.0.1:{open.Port}\",status=\"warning\"}} 1", lines);
        Assert.Contains($"conn_check_result{{check=\"no-agent\",zone=\"batch\",agent=\"\",destination=\"127.0.0.1:{open.Port}\",status=\"unknown\"}} 1", lines);
        Assert.Contains("conn_check_run_status 2", lines);
        foreach (var status in new[] { "ok", "failed", "warning", "unknown" })
        {
            Assert.Contains($"conn_check_run_checks{{status=\"{status}\"}} 1", lines);
        }

        var stamp = double.Parse(lines.Single(l => l.StartsWith("conn_check_run_timestamp_seconds ", StringComparison.Ordinal)).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(stamp, DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

        Assert.Equal(run.Stdout, File.ReadAllText(textfile));
        Assert.Equal(["conn-check.prom"], Directory.GetFiles(textfiles).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Promtool_rejects_a_label_value_with_an_unescaped_quote_so_the_check_above_can_fail()
    {
        using var dir = new TempConfig("");
        var lint = await PromtoolAsync("# HELP x a\n# TYPE x gauge\nx{check=\"say \"hi\"\"} 1\n# EOF\n", dir.Directory);
        Assert.NotEqual(0, lint.ExitCode);
    }

    [Fact]
    public async Task A_textfile_directory_that_does_not_exist_costs_one_stderr_line_and_the_report_stands()
    {
        using var open = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, name: up, host: 127.0.0.1, port: {open.Port} }}\n");
        var missing = Path.Combine(config.Directory, "no-such-dir");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--textfile", missing);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("up OK", run.Lines[1]);
        var error = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"conn-check: cannot write --textfile {missing}: ", error, StringComparison.Ordinal);
    }

    private static async Task<ProcessResult> PromtoolAsync(string metrics, string directory)
    {
        var file = Path.Combine(directory, $"lint-{Guid.NewGuid():N}.prom");
        await File.WriteAllTextAsync(file, metrics);
        return await ProcessRunner.RunCommandAsync("sh", ["-c", $"promtool check metrics < '{file}'"], null, TimeSpan.FromSeconds(60));
    }
}
