using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Reporting;

/// <summary>cert_warn_days/cert_crit_days on real certificates, warn_ms/crit_ms on tcp, and the perfdata that carries them.</summary>
public sealed partial class ThresholdAndPerfdataTests(ExpiringCertificateServers servers) : IClassFixture<ExpiringCertificateServers>
{
    private string Ca => servers.Certificates.CaDirectory;

    [Fact]
    public async Task Certificate_expiring_in_40_days_is_WARNING_with_exit_1_for_tls_and_https()
    {
        using var config = new TempConfig($$"""
            - { type: tls, name: tls-40d, host: 127.0.0.1, port: {{servers.Tls40.Port}}, cert_warn_days: 60, cert_crit_days: 7 }
            - { type: https, name: https-40d, url: '{{servers.Https40.Https}}/ok', cert_warn_days: 60, cert_crit_days: 7 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", Ca);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.StartsWith("CONN-CHECK WARNING: 2 of 2 checks crossed a threshold | checks=2;;;0 failed=0;;;0 unknown=0;;;0 warning=2;;;0 time=", run.StatusLine);
        Assert.Matches(@"^tls-40d WARNING - certificate expires in (39|40)(\.\d)? days \(cert_warn_days 60\)$", run.Line("tls-40d"));
        Assert.Matches(@"^https-40d WARNING - certificate expires in (39|40)(\.\d)? days \(cert_warn_days 60\)$", run.Line("https-40d"));
    }

    [Fact]
    public async Task Certificate_expiring_in_5_days_is_CRITICAL_with_exit_2_for_tls_and_https_while_40_days_passes()
    {
        using var config = new TempConfig($$"""
            - { type: tls, name: tls-5d, host: 127.0.0.1, port: {{servers.Tls5.Port}}, cert_warn_days: 30, cert_crit_days: 7 }
            - { type: https, name: https-5d, url: '{{servers.Https5.Https}}/ok', cert_warn_days: 30, cert_crit_days: 7 }
            - { type: tls, name: tls-40d, host: 127.0.0.1, port: {{servers.Tls40.Port}}, cert_warn_days: 30, cert_crit_days: 7 }
            - { type: https, name: https-40d, url: '{{servers.Https40.Https}}/ok', cert_warn_days: 30, cert_crit_days: 7 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", Ca);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 2 of 4 checks failed |", run.StatusLine);
        Assert.Matches(@"^tls-5d FAILED - certificate expires in [45](\.\d)? days \(cert_crit_days 7\)$", run.Line("tls-5d"));
        Assert.Matches(@"^https-5d FAILED - certificate expires in [45](\.\d)? days \(cert_crit_days 7\)$", run.Line("https-5d"));
        Assert.Equal("tls-40d OK", run.Line("tls-40d"));
        Assert.Equal("https-40d OK", run.Line("https-40d"));

        // Perfdata for all four, the failed ones included (they answered).
        Assert.Equal(4, run.Perfdata.Length);
        Assert.Contains(run.Perfdata, p => p.StartsWith("'tls-5d'=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Certificate_expiry_ignores_thresholds_that_are_not_set()
    {
        using var config = new TempConfig($"- {{ type: tls, name: no-thresholds, host: 127.0.0.1, port: {servers.Tls5.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--tls-certs-path", Ca);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("no-thresholds OK", run.Line("no-thresholds"));
    }

    [Fact]
    public async Task Tcp_latency_thresholds_set_the_state_and_appear_as_perfdata_warn_and_crit()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($$"""
            - { type: tcp, name: slow-warn, host: 127.0.0.1, port: {{listener.Port}}, warn_ms: 0.001 }
            - { type: tcp, name: slow-crit, host: 127.0.0.1, port: {{listener.Port}}, warn_ms: 0.001, crit_ms: 0.002 }
            - { type: tcp, name: fast, host: 127.0.0.1, port: {{listener.Port}}, warn_ms: 10000, crit_ms: 20000 }
            - { type: tcp, name: plain, host: 127.0.0.1, port: {{listener.Port}} }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Matches(@"^slow-crit FAILED - latency [\d.]+ ms above crit_ms 0\.002$", run.Line("slow-crit"));
        Assert.Matches(@"^slow-warn WARNING - latency [\d.]+ ms above warn_ms 0\.001$", run.Line("slow-warn"));
        Assert.Equal("fast OK", run.Line("fast"));

        Assert.Equal(["slow-crit", "slow-warn", "fast", "plain"], run.Perfdata.Select(p => PerfdataItem().Match(p).Groups["label"].Value));
        Assert.Matches(@"^'slow-crit'=\d+(\.\d+)?ms;0\.001;0\.002;0$", run.Perfdata[0]);
        Assert.Matches(@"^'slow-warn'=\d+(\.\d+)?ms;0\.001;;0$", run.Perfdata[1]);
        Assert.Matches(@"^'fast'=\d+(\.\d+)?ms;10000;20000;0$", run.Perfdata[2]);
        Assert.Matches(@"^'plain'=\d+(\.\d+)?ms;;;0$", run.Perfdata[3]);
    }

    [Fact]
    public async Task Perfdata_follows_the_long_text_after_one_pipe_as_the_plugin_guidelines_lay_out()
    {
        using var listener = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: tcp, name: "it's a=b check", host: 127.0.0.1, port: {{listener.Port}} }
            - { type: tcp, host: 127.0.0.1, port: {{closed}} }
            - { type: tcp, host: 127.0.0.1, port: {{closed}}, from: batch }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v");

        var lines = run.AllLines;
        Assert.True(run.ExitCode == 2, run.ToString());

        // The first line keeps its run perfdata; exactly one more '|', opening the per-result section.
        Assert.Equal(1, lines[0].Count(c => c == '|'));
        var opening = Array.FindIndex(lines, 1, l => l.Contains('|', StringComparison.Ordinal));
        Assert.True(opening > 1, run.ToString());
        Assert.StartsWith("| ", lines[opening]);
        Assert.All(lines.Skip(opening + 1), l => Assert.DoesNotContain('|', l));

        // Every item parses as 'label'=value[UOM];[warn];[crit];[min]; the label has no = or ' inside.
        Assert.All(run.Perfdata, p => Assert.Matches(PerfdataItem(), p));
        Assert.Contains("'it_s a_b check'=", string.Join("\n", run.Perfdata));
        Assert.Contains(run.Perfdata, p => p.StartsWith($"'tcp:127.0.0.1:{closed}'=", StringComparison.Ordinal));

        // UNKNOWN results (no agent in zone batch) have no latency to graph.
        Assert.Equal(2, run.Perfdata.Length);
        Assert.Contains(run.Lines, l => l.StartsWith($"batch/- tcp:127.0.0.1:{closed} UNKNOWN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unbuffered_output_has_no_per_result_perfdata()
    {
        using var listener = new AcceptingListener();
        using var config = new TempConfig($"- {{ type: tcp, host: 127.0.0.1, port: {listener.Port} }}\n");

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-U");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(2, run.AllLines.Length);
        Assert.StartsWith("CONN-CHECK OK: 1 check passed |", run.AllLines[1]);
        Assert.Empty(run.Perfdata);
    }

    [GeneratedRegex(@"^'(?<label>[^'=]+)'=\d+(\.\d+)?ms;[\d.]*;[\d.]*;0$")]
    private static partial Regex PerfdataItem();
}
