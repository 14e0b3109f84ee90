using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Cli;

/// <summary>Exit codes, report order and the report options (-d, -v, -U), seen from outside the process.</summary>
public sealed class ExitCodeAndReportTests
{
    [Fact]
    public async Task All_passing_exits_0()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, host: 127.0.0.1, port: {listener.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches(@"^CONN-CHECK OK: 1 check passed \| checks=1;;;0 failed=0;;;0 unknown=0;;;0 warning=0;;;0 time=\d+\.\d{3}s;;;0$", run.StatusLine);
        Assert.Equal([$"tcp:127.0.0.1:{listener.Port} OK"], run.Lines[1..]);
    }

    [Fact]
    public async Task Latency_above_warn_ms_exits_1()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, host: 127.0.0.1, port: {listener.Port}, warn_ms: 0.001 }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("CONN-CHECK WARNING: 1 of 1 checks crossed a threshold | checks=1;;;0 failed=0;;;0 unknown=0;;;0 warning=1;;;0 ", run.StatusLine);
        Assert.Matches($@"^tcp:127\.0\.0\.1:{listener.Port} WARNING - latency [\d.]+ ms above warn_ms 0\.001$", run.Lines[1]);
    }

    [Fact]
    public async Task Latency_above_crit_ms_exits_2()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, host: 127.0.0.1, port: {listener.Port}, warn_ms: 0.001, crit_ms: 0.002 }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches($@"^tcp:127\.0\.0\.1:{listener.Port} FAILED - latency [\d.]+ ms above crit_ms 0\.002$", run.Lines[1]);
    }

    [Fact]
    public async Task A_failed_check_exits_2_even_with_unknown_and_warning_ones()
    {
        using var listener = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{closed}} }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, from: web }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, warn_ms: 0.001 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 3 checks failed (local 1/2, web 0/1) [1 unknown] |", run.StatusLine);
    }

    [Fact]
    public async Task Check_from_a_zone_without_agent_is_unknown_and_exits_3()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, from: web, host: 127.0.0.1, port: {listener.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.StartsWith("CONN-CHECK UNKNOWN: 1 of 1 checks could not run (web 1/1) |", run.StatusLine);
        Assert.Equal($"web/- tcp:127.0.0.1:{listener.Port} UNKNOWN - no agent in zone web (no --seed or --agent given)", run.Lines[1]);
        Assert.Equal(0, await listener.SettledCountAsync());
    }

    [Fact]
    public async Task Local_simulates_zones_in_this_process_and_says_so()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($$"""
            zones: { web: { min_agents: 3 }, batch: {} }
            checks:
              - { type: tcp, from: [web, batch], host: 127.0.0.1, port: {{listener.Port}} }
              - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: here }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--local");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("CONN-CHECK OK: 3 checks passed (batch 0/1, local 0/1, web 0/1) [zones simulated locally] |", run.StatusLine);
        Assert.Equal(
            [$"batch/simulated tcp:127.0.0.1:{listener.Port} OK", "here OK", $"web/simulated tcp:127.0.0.1:{listener.Port} OK"],
            run.Lines[1..].Order(StringComparer.Ordinal));
        Assert.True(await listener.AcceptedAsync(3) >= 3, run.ToString());
    }

    [Fact]
    public async Task Report_lists_failed_grouped_by_destination_then_warning_unknown_ok()
    {
        using var listener = new AcceptingListener();
        var closedA = Loopback.ClosedPort();
        var closedB = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: ok-1 }
            - { type: tcp, host: 127.0.0.1, port: {{closedA}}, name: a-first }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: slow, warn_ms: 0.001 }
            - { type: tcp, host: 127.0.0.1, port: {{closedB}}, name: b-only }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: far, from: web }
            - { type: tcp, host: 127.0.0.1, port: {{closedA}}, name: a-second }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: ok-2 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        var words = run.Lines[1..].Select(l => Regex.Match(l, @" (FAILED|WARNING|UNKNOWN|OK)\b").Groups[1].Value).ToArray();
        Assert.Equal(["FAILED", "FAILED", "FAILED", "WARNING", "UNKNOWN", "OK", "OK"], words);

        // The two checks of port A sit together, whichever destination sorts first.
        var failedNames = run.Lines[1..4].Select(l => l.Split(' ')[0]).ToArray();
        Assert.True(
            failedNames.SequenceEqual(["a-first", "a-second", "b-only"]) || failedNames.SequenceEqual(["b-only", "a-first", "a-second"]),
            run.ToString());
        Assert.All(run.Lines[1..4], l => Assert.EndsWith("FAILED - connection refused", l));
        Assert.StartsWith("slow WARNING - latency", run.Lines[4]);
        Assert.Equal("web/- far UNKNOWN - no agent in zone web (no --seed or --agent given)", run.Lines[5]);
        Assert.Equal(["ok-1 OK", "ok-2 OK"], run.Lines[6..]);
    }

    [Fact]
    public async Task Skipped_checks_show_only_with_verbose()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: keep }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: drop }
            """);

        var quiet = await ProcessRunner.ConnCheckAsync(config.Path, "keep");
        var verbose = await ProcessRunner.ConnCheckAsync(config.Path, "keep", "-v");

        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.StartsWith("CONN-CHECK OK: 1 check passed [1 skipped] |", quiet.StatusLine);
        Assert.Equal(["keep OK"], quiet.Lines[1..]);

        Assert.True(verbose.ExitCode == 0, verbose.ToString());
        Assert.Equal("drop SKIPPED - not selected", verbose.Lines[^1]);
        Assert.Contains("keep OK", verbose.Lines);
    }

    [Fact]
    public async Task Duration_option_adds_milliseconds_to_every_result()
    {
        using var listener = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}} }
            - { type: tcp, host: 127.0.0.1, port: {{closed}} }
            """);

        var plain = await ProcessRunner.ConnCheckAsync(config.Path);
        var timed = await ProcessRunner.ConnCheckAsync(config.Path, "-d");

        Assert.DoesNotContain(plain.Lines[1..], l => l.Contains(" ms"));
        Assert.Matches($@"^tcp:127\.0\.0\.1:{closed} FAILED \(\d+\.\d ms\) - connection refused$", timed.Lines[1]);
        Assert.Matches($@"^tcp:127\.0\.0\.1:{listener.Port} OK \(\d+\.\d ms\)$", timed.Lines[2]);
    }

    [Fact]
    public async Task Verbose_shows_sub_checks_indented_under_their_check()
    {
        var closed = Loopback.ClosedPort();
        using var listener = new AcceptingListener();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{closed}} }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}} }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v");

        var raw = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"tcp:127.0.0.1:{closed} FAILED - connection refused", raw[1]);
        Assert.Matches($@"^    tcp:127\.0\.0\.1:{closed} FAILED \(\d+\.\d ms\) - connection refused$", raw[2]);
        Assert.Equal($"tcp:127.0.0.1:{listener.Port} OK", raw[3]);
        Assert.Matches($@"^    tcp:127\.0\.0\.1:{listener.Port} OK \(\d+\.\d ms\)$", raw[4]);
    }

    [Fact]
    public async Task Unbuffered_output_puts_the_status_line_last()
    {
        using var listener = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}} }
            - { type: tcp, host: 127.0.0.1, port: {{closed}} }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-U");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal(3, run.Lines.Length);
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 2 checks failed |", run.Lines[^1]);
        Assert.Equal(
            [$"tcp:127.0.0.1:{closed} FAILED - connection refused", $"tcp:127.0.0.1:{listener.Port} OK"],
            run.Lines[..2].OrderBy(l => l.Contains("OK", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Unbuffered_output_also_prints_unknown_and_with_verbose_skipped_checks()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($$"""
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: here }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: far, from: web }
            - { type: tcp, host: 127.0.0.1, port: {{listener.Port}}, name: other }
            """);

        var quiet = await ProcessRunner.ConnCheckAsync(config.Path, "-U", "here", "far");
        var verbose = await ProcessRunner.ConnCheckAsync(config.Path, "-U", "-v", "here", "far");

        Assert.True(quiet.ExitCode == 3, quiet.ToString());
        Assert.Equal(["here OK", "web/- far UNKNOWN - no agent in zone web (no --seed or --agent given)"], quiet.Lines[..^1].Order(StringComparer.Ordinal));
        Assert.StartsWith("CONN-CHECK UNKNOWN: 1 of 2 checks could not run", quiet.Lines[^1]);
        Assert.Contains("other SKIPPED - not selected", verbose.Lines[..^1]);
        Assert.StartsWith("CONN-CHECK UNKNOWN: ", verbose.Lines[^1]);
    }

    [Fact]
    public async Task Odd_characters_in_check_names_never_break_the_report_format()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"""
            - type: tcp
              host: 127.0.0.1
              port: {listener.Port}
              name: "pipe | in name\nsecond line\tand a tab\r"
            - type: tcp
              host: 127.0.0.1
              port: {listener.Port}
              name: "|||"
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "-d");

        Assert.True(run.ExitCode == 0, run.ToString());
        var raw = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        // Status line, two results with a sub-check each, then the per-result perfdata opened by one '|'.
        Assert.Equal(7, raw.Length);
        Assert.Equal(1, raw[0].Count(c => c == '|'));
        Assert.All(raw[1..5], l => Assert.DoesNotContain('|', l));
        Assert.StartsWith("| '", raw[5]);
        Assert.Equal(1, raw[5].Count(c => c == '|'));
        Assert.DoesNotContain('|', raw[6]);
        Assert.All(raw, l => Assert.DoesNotContain('\r', l));
        Assert.Contains(raw, l => l.StartsWith("pipe / in name second line and a tab OK (", StringComparison.Ordinal));
        Assert.Contains(raw, l => l.StartsWith("/// OK (", StringComparison.Ordinal));
        Assert.Contains(run.Perfdata, p => p.StartsWith("'___'=", StringComparison.Ordinal));
    }
}
