using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks;

public sealed class TcpCheckTests
{
    [Fact]
    public async Task Open_port_passes_and_closed_port_fails_with_refused()
    {
        using var listener = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: tcp
              host: 127.0.0.1
              port: {listener.Port}
            - type: tcp
              host: 127.0.0.1
              port: {closed}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 2 checks failed |", run.StatusLine);
        Assert.Equal($"tcp:127.0.0.1:{closed} FAILED - connection refused", run.Lines[1]);
        Assert.Equal($"tcp:127.0.0.1:{listener.Port} OK", run.Lines[2]);
        Assert.True(await listener.AcceptedAsync(1) >= 1, run.ToString());
    }

    [Fact]
    public async Task Reachable_false_passes_on_a_closed_port_and_fails_on_an_open_one()
    {
        using var listener = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - type: tcp
              host: 127.0.0.1
              port: {closed}
              reachable: false
            - type: tcp
              host: 127.0.0.1
              port: {listener.Port}
              reachable: false
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"tcp:127.0.0.1:{listener.Port} FAILED - reachable: connection succeeded, but this path must be closed", run.Lines[1]);
        Assert.Equal($"tcp:127.0.0.1:{closed} OK - unreachable as required: connection refused", run.Lines[2]);
    }
}
