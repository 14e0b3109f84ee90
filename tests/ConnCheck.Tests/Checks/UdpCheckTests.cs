using System.Text;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks;

public sealed class UdpCheckTests
{
    [Fact]
    public async Task Reply_containing_expect_passes_and_other_replies_fail_with_the_reply_shown()
    {
        using var echo = new UdpResponder(d => Encoding.UTF8.GetBytes("PONG from " + Encoding.UTF8.GetString(d)));
        using var wrong = new UdpResponder(_ => [0x01, (byte)'N', (byte)'O', (byte)'|', (byte)'\n', (byte)'x']);
        using var chatty = new UdpResponder(_ => Encoding.ASCII.GetBytes(new string('z', 500)));
        using var config = new TempConfig($"""
            - type: udp
              host: 127.0.0.1
              port: {echo.Port}
              send: PING
              expect: PONG
            - type: udp
              host: 127.0.0.1
              port: {wrong.Port}
              send: PING
              expect: PONG
            - type: udp
              host: 127.0.0.1
              port: {chatty.Port}
              send: PING
              expect: PONG
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 2 of 3 checks failed", run.StatusLine);
        Assert.Contains($"udp:127.0.0.1:{echo.Port} OK", run.Lines);
        Assert.Contains($"udp:127.0.0.1:{wrong.Port} FAILED - unexpected UDP reply: \"\\x01NO\\x7c x\"", run.Lines);
        Assert.Contains($"udp:127.0.0.1:{chatty.Port} FAILED - unexpected UDP reply: \"{new string('z', 60)}...\"", run.Lines);
        Assert.Equal("PING", Encoding.UTF8.GetString(Assert.Single(echo.Received)));
    }

    [Fact]
    public async Task Silence_times_out_and_a_closed_port_is_refused()
    {
        using var silent = new UdpResponder(_ => null);
        var closed = UdpResponder.ClosedPort();
        using var config = new TempConfig($"""
            - type: udp
              host: 127.0.0.1
              port: {silent.Port}
              send: hello
              expect: hi
              timeout: 1
            - type: udp
              host: 127.0.0.1
              port: {closed}
              send: hello
              expect: hi
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains($"udp:127.0.0.1:{silent.Port} FAILED - timed out after 1s", run.Lines);
        Assert.Contains($"udp:127.0.0.1:{closed} FAILED - connection refused", run.Lines);
        Assert.Single(silent.Received);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(15), run.ToString());
    }

    [Fact]
    public async Task Reachable_false_passes_on_a_closed_port_and_fails_when_the_peer_answers()
    {
        using var echo = new UdpResponder(d => d);
        var closed = UdpResponder.ClosedPort();
        using var config = new TempConfig($"""
            - type: udp
              host: 127.0.0.1
              port: {closed}
              send: x
              expect: x
              reachable: false
            - type: udp
              host: 127.0.0.1
              port: {echo.Port}
              send: x
              expect: x
              reachable: false
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal($"udp:127.0.0.1:{echo.Port} FAILED - reachable: got a reply, but this path must be closed", run.Lines[1]);
        Assert.Equal($"udp:127.0.0.1:{closed} OK - unreachable as required: connection refused", run.Lines[2]);
    }

    [Fact]
    public async Task Destination_is_udp_and_send_and_expect_are_required()
    {
        using var good = new TempConfig("""
            - type: udp
              host: 127.0.0.1
              port: 5353
              send: a
              expect: b
            """);
        using var bad = new TempConfig("""
            - type: udp
              host: 127.0.0.1
              port: 5353
              send: a
            """);

        var dryRun = await ProcessRunner.ConnCheckAsync(good.Path, "--dry-run");
        var invalid = await ProcessRunner.ConnCheckAsync(bad.Path);

        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Contains("local: udp:127.0.0.1:5353 -> udp 127.0.0.1:5353", dryRun.Lines);
        Assert.True(invalid.ExitCode == 3, invalid.ToString());
        Assert.Contains($"{bad.Path}:1:3: udp check is missing required field 'expect'", invalid.Stderr);
    }
}
