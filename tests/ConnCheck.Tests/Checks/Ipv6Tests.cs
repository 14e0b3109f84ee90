using System.Net;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks;

/// <summary>
/// IPv6 literals in names and output, and names with several addresses (docs/distribution.md, Addresses): on ::1 of
/// this host, and inside a namespace of the test's own where dual.test has an IPv4 and an IPv6 address.
/// </summary>
public sealed class Ipv6Tests
{
    private const int Tcp = 7001;
    private const int Udp = 7004;

    [Fact]
    public async Task Ipv6_literals_are_bracketed_in_check_names_sub_checks_perfdata_and_the_matrix()
    {
        using var listener = Loopback.Listening(IPAddress.IPv6Loopback);
        var open = listener.Port();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: tcp
              host: "::1"
              port: {open}
            - type: tcp
              host: "[::1]"
              port: {closed}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "-v", "--matrix");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"tcp:[::1]:{closed} FAILED - connection refused", run.AllLines[1]);
        Assert.Matches($@"^tcp:\[::1\]:{closed} FAILED \(\d+\.\d ms\) - connection refused$", run.AllLines[2]);
        Assert.Equal($"tcp:[::1]:{open} OK", run.AllLines[3]);
        Assert.Contains(run.AllLines, l => l.Contains($"[::1]:{open}", StringComparison.Ordinal) && !l.StartsWith("tcp:", StringComparison.Ordinal) && !l.StartsWith('\'') && !l.StartsWith('|'));
        Assert.Contains(run.Perfdata, p => p.StartsWith($"'tcp:[::1]:{open}'=", StringComparison.Ordinal));
        Assert.DoesNotContain(":::1", run.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipv6_brackets_around_a_name_or_an_IPv4_address_are_a_config_error()
    {
        using var config = new TempConfig("""
            - type: tcp
              host: "[10.0.0.1]"
              port: 80
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("brackets are for IPv6 addresses", run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipv6_a_bracketed_literal_reaches_export_fw_and_convert_fw_as_an_IPv6_address()
    {
        using var config = new TempConfig("""
            - type: tcp
              host: "[::1]"
              port: 5432
            """);
        var rules = Path.Combine(config.Directory, "egress.yaml");

        var export = await ProcessRunner.ConnCheckAsync("export-fw", config.Path);
        await File.WriteAllTextAsync(rules, export.Stdout);
        var convert = await ProcessRunner.ConnCheckAsync("convert-fw", "--type", "iptables", rules);

        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Contains("to_host: \"::1\"", export.AllLines);
        Assert.True(convert.ExitCode == 0, convert.ToString());
        Assert.Equal(["ip6tables -A OUTPUT -s ::1 -d ::1 -p tcp --dport 5432 -j ACCEPT"], convert.AllLines);
    }

    [Theory]
    [InlineData(false, "[" + DualStackNamespace.V6 + "]")]
    [InlineData(true, DualStackNamespace.V4)]
    public async Task Ipv6_a_name_with_both_addresses_listening_connects_to_the_first_in_resolver_order(bool ipv4First, string expected)
    {
        using var ns = new DualStackNamespace(ipv4First);
        await ns.ListenAsync(DualStackNamespace.V4, [Tcp]);
        await ns.ListenAsync(DualStackNamespace.V6, [Tcp]);
        using var config = new TempConfig($"""
            - type: tcp
              host: {DualStackNamespace.DualName}
              port: {Tcp}
            """);

        var run = await ns.ConnCheckAsync(config.Path, "-v");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"tcp:{DualStackNamespace.DualName}:{Tcp} OK", run.AllLines[1]);
        Assert.Matches($@"^tcp:dual\.test:{Tcp} OK \(\d+\.\d ms\) - connected to {System.Text.RegularExpressions.Regex.Escape(expected)}$", run.AllLines[2]);
    }

    [Fact]
    public async Task Ipv6_localhost_connects_to_a_listener_on_v6_loopback_only()
    {
        // The namespace's /etc/hosts maps localhost to 127.0.0.1 and ::1; IPv4 comes first.
        using var ns = new DualStackNamespace(ipv4First: true);
        await ns.ListenAsync("::1", [Tcp]);
        using var config = new TempConfig($"""
            - type: tcp
              host: localhost
              port: {Tcp}
            """);

        var run = await ns.ConnCheckAsync(config.Path, "-v");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"tcp:localhost:{Tcp} OK", run.AllLines[1]);
        Assert.EndsWith(" - connected to [::1]", run.AllLines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ipv6_a_first_address_that_drops_packets_does_not_use_up_the_timeout()
    {
        // Resolver order puts IPv4 first; its port DROPs, the IPv6 address listens.
        using var ns = new DualStackNamespace(ipv4First: true);
        ns.DropTcp(DualStackNamespace.V4, Tcp);
        await ns.ListenAsync(DualStackNamespace.V6, [Tcp]);
        using var config = new TempConfig($"""
            - type: tcp
              host: {DualStackNamespace.DualName}
              port: {Tcp}
              timeout: 4
            - type: tcp
              host: {DualStackNamespace.DualName}
              port: {Tcp + 1}
              timeout: 2
            """);

        var run = await ns.ConnCheckAsync(config.Path, "-v", "-d");

        Assert.True(run.ExitCode == 2, run.ToString());
        var ok = run.AllLines.First(l => l.StartsWith($"tcp:dual.test:{Tcp} OK", StringComparison.Ordinal));
        Assert.True(DurationMs(ok) < 2000, ok);
        Assert.Contains(run.AllLines, l => l.StartsWith($"tcp:dual.test:{Tcp} OK", StringComparison.Ordinal) && l.EndsWith($"connected to [{DualStackNamespace.V6}]", StringComparison.Ordinal));
        Assert.Contains(
            $"tcp:dual.test:{Tcp + 1} FAILED - all 2 addresses failed: {DualStackNamespace.V4} connection refused, [{DualStackNamespace.V6}] connection refused",
            run.AllLines.Select(l => System.Text.RegularExpressions.Regex.Replace(l, @" \(\d+\.\d ms\)", "")));
    }

    [Fact]
    public async Task Ipv6_reachable_false_passes_only_when_every_address_fails_and_names_the_one_that_connected()
    {
        using var ns = new DualStackNamespace(ipv4First: true);
        await ns.ListenAsync(DualStackNamespace.V6, [Tcp]);
        using var config = new TempConfig($"""
            - type: tcp
              host: {DualStackNamespace.DualName}
              port: {Tcp}
              reachable: false
            - type: tcp
              host: {DualStackNamespace.DualName}
              port: {Tcp + 1}
              reachable: false
            """);

        var run = await ns.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"tcp:dual.test:{Tcp} FAILED - reachable: connection succeeded to [{DualStackNamespace.V6}], but this path must be closed", run.Lines[1]);
        Assert.Equal(
            $"tcp:dual.test:{Tcp + 1} OK - unreachable as required: all 2 addresses failed: {DualStackNamespace.V4} connection refused, [{DualStackNamespace.V6}] connection refused",
            run.Lines[2]);
    }

    [Fact]
    public async Task Ipv6_udp_to_a_name_tries_the_next_address_when_the_first_refuses()
    {
        using var ns = new DualStackNamespace(ipv4First: true);
        await ns.ListenAsync(DualStackNamespace.V6, [], [Udp]);
        using var config = new TempConfig($"""
            - type: udp
              host: {DualStackNamespace.DualName}
              port: {Udp}
              send: ping
              expect: "echo:ping"
              timeout: 3
            - type: udp
              host: {DualStackNamespace.DualName}
              port: {Udp}
              send: ping
              expect: "echo:ping"
              reachable: false
              timeout: 3
            """);

        var run = await ns.ConnCheckAsync(config.Path, "-v");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"udp:dual.test:{Udp} FAILED - reachable: got a reply from [{DualStackNamespace.V6}], but this path must be closed", run.AllLines);
        Assert.Contains($"udp:dual.test:{Udp} OK", run.AllLines);
        Assert.Contains(run.AllLines, l => l.StartsWith($"udp:dual.test:{Udp} OK (", StringComparison.Ordinal) && l.EndsWith($"- reply from [{DualStackNamespace.V6}]", StringComparison.Ordinal));
    }

    private static double DurationMs(string line)
    {
        var open = line.IndexOf(" (", StringComparison.Ordinal) + 2;
        return double.Parse(line[open..line.IndexOf(" ms)", open, StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }
}
