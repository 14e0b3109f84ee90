using System.Diagnostics;
using System.Text;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Cli;

/// <summary>
/// Targets whose firewall silently drops the SYN: the only way to see real connect timeouts,
/// the run deadline and streaming output. conn-check runs inside a private network namespace.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class BlackHoleTests(BlackHoleNetwork network) : IClassFixture<BlackHoleNetwork>
{
    private const string Target = BlackHoleNetwork.TargetAddress;
    private const int Dropped = BlackHoleNetwork.DroppedLow;

    [Fact]
    public async Task Reachable_false_against_a_dropped_port_passes_with_timed_out()
    {
        using var config = new TempConfig($"""
            - type: tcp
              host: {Target}
              port: {Dropped}
              reachable: false
              timeout: 1
            """);

        var run = await network.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"tcp:{Target}:{Dropped} OK - unreachable as required: timed out", run.Lines[1]);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(10), run.ToString());
    }

    [Fact]
    public async Task Reachable_false_against_a_refused_port_says_refused()
    {
        using var config = new TempConfig($"""
            - type: tcp
              host: {Target}
              port: {BlackHoleNetwork.RefusedPort}
              reachable: false
            """);

        var run = await network.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"tcp:{Target}:{BlackHoleNetwork.RefusedPort} OK - unreachable as required: connection refused", run.Lines[1]);
    }

    [Fact]
    public async Task Connect_timeout_bounds_a_check_that_sets_none()
    {
        using var config = new TempConfig($"""
            - type: tcp
              host: {Target}
              port: {Dropped}
            """);

        var run = await network.ConnCheckAsync(config.Path, "--connect-timeout", "1");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"tcp:{Target}:{Dropped} FAILED - timed out after 1s", run.Lines[1]);
        Assert.True(run.ProcessElapsed < TimeSpan.FromSeconds(6), $"a 1 s timeout took {run.ProcessElapsed.TotalSeconds:0.0}s\n{run}");
    }

    [Fact]
    public async Task A_check_timeout_beats_connect_timeout()
    {
        using var config = new TempConfig($"""
            - type: tcp
              host: {Target}
              port: {Dropped}
              timeout: 1.5
            """);

        var run = await network.ConnCheckAsync(config.Path, "--connect-timeout", "30", "-d");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches($@"^tcp:{Target}:{Dropped} FAILED \((1[5-9]\d\d|2\d\d\d)\.\d ms\) - timed out after 1\.5s$", run.Lines[1]);
    }

    [Fact]
    public async Task Max_timeout_ends_fifty_black_holed_checks_on_time_as_unknown()
    {
        var checks = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            checks.Append(Check(i));
        }

        using var config = new TempConfig(checks.ToString());

        var run = await network.ConnCheckAsync(config.Path, "--max-timeout", "2");

        Assert.True(run.ExitCode == 3, run.ToString());

        // The contract is max-timeout plus one second, from the process's own start to its own exit (the
        // class runs in the timing-sensitive collection, with nothing CPU-heavy beside it).
        Assert.True(run.ProcessElapsed < TimeSpan.FromSeconds(3), $"--max-timeout 2 took {run.ProcessElapsed.TotalSeconds:0.00}s\n{run}");
        Assert.StartsWith("CONN-CHECK UNKNOWN: 50 of 50 checks could not run |", run.StatusLine);
        Assert.Equal(51, run.Lines.Length);
        Assert.All(run.Lines.Skip(1), l => Assert.Matches($@"^tcp:{Target}:91[0-4]\d UNKNOWN - deadline passed \(--max-timeout 2s\) before the check finished$", l));

        static string Check(int i) => $"- {{ type: tcp, host: {Target}, port: {Dropped + 100 + i}, timeout: 30 }}\n";
    }

    [Fact]
    public async Task Unbuffered_output_streams_each_result_then_the_status_line_last()
    {
        using var config = new TempConfig($"""
            - type: tcp
              host: {Target}
              port: {Dropped}
              timeout: 2
            - type: tcp
              host: {Target}
              port: {BlackHoleNetwork.RefusedPort}
            """);

        var lines = await RunStreamingAsync("-U", config.Path);

        var text = string.Join('\n', lines.Select(l => $"{l.At.TotalSeconds:0.000}s {l.Line}"));
        Assert.Equal(3, lines.Count);
        Assert.Equal($"tcp:{Target}:{BlackHoleNetwork.RefusedPort} FAILED - connection refused", lines[0].Line);
        Assert.Equal($"tcp:{Target}:{Dropped} FAILED - timed out after 2s", lines[1].Line);
        Assert.StartsWith("CONN-CHECK CRITICAL: 2 of 2 checks failed |", lines[2].Line);

        // The refused result was on stdout while the dropped check was still waiting for its timeout.
        Assert.True(lines[1].At - lines[0].At > TimeSpan.FromSeconds(1), text);
    }

    private async Task<List<(TimeSpan At, string Line)>> RunStreamingAsync(params string[] args)
    {
        var start = new ProcessStartInfo("ip") { ArgumentList = { "netns", "exec", network.ClientNamespace, "dotnet", Repo.CoordinatorDll }, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var lines = new List<(TimeSpan, string)>();
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start conn-check");
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            lines.Add((watch.Elapsed, line));
        }

        await process.WaitForExitAsync(limit.Token);
        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode}\n{string.Join('\n', lines)}\n{await stderr}");
        return lines;
    }
}
