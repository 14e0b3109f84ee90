using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class MemcacheCheckTests
{
    private static readonly int Port = TestServers.Port("MEMCACHE");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: memcache, name: mc-ok, host: 127.0.0.1, port: {{Port}} }
            - { type: memcached, name: mc-alias-ok, host: 127.0.0.1, port: {{Port}} }
            - { type: memcache, name: mc-closed, host: 127.0.0.1, port: {{closed}} }
            - { type: memcache, name: mc-at-postgres, host: 127.0.0.1, port: {{TestServers.Port("POSTGRES")}} }
            - { type: memcache, name: mc-at-redis, host: 127.0.0.1, port: {{TestServers.Port("REDIS")}} }
            - { type: memcache, name: mc-silent, host: 127.0.0.1, port: {{silent.Port}}, timeout: 2 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 4 of 6 checks failed |", run.StatusLine);
        Assert.Equal("mc-ok OK", run.Line("mc-ok"));
        Assert.Equal("mc-alias-ok OK", run.Line("mc-alias-ok"));
        Assert.Equal("mc-closed FAILED - connection refused", run.Line("mc-closed"));
        Assert.Equal("mc-at-postgres FAILED - connect: not a memcached server: the connection was closed without a reply", run.Line("mc-at-postgres"));
        Assert.StartsWith("mc-at-redis FAILED - connect: not a memcached server: unexpected reply '-ERR unknown command", run.Line("mc-at-redis"));
        Assert.Equal("mc-silent FAILED - connect: timed out after 2s waiting for a reply (not a memcached server, or it is not answering)", run.Line("mc-silent"));
    }

    [Fact]
    public async Task Reports_the_server_version_in_the_connect_step()
    {
        var result = await TestServers.RunAsync("memcached", new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = Port });

        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Equal("memcache", result.Type);
        Assert.Equal([$"tcp:127.0.0.1:{Port}", "connect"], result.SubChecks.Select(s => s.Name));
        Assert.Matches(@"^memcached \d+\.\d+", result.SubChecks[1].Message);
    }
}
