using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class RedisCheckTests
{
    private static readonly int Port = TestServers.Port("REDIS");
    private static readonly string Password = TestServers.Get("REDIS_PASSWORD");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        var aclUser = TestServers.Get("REDIS_ACL_USER");
        using var config = new TempConfig($$"""
            - { type: redis, name: redis-ok, host: 127.0.0.1, port: {{Port}}, password: '{{Password}}' }
            - { type: redis, name: redis-acl-ok, host: 127.0.0.1, port: {{Port}}, username: {{aclUser}}, password: '{{TestServers.Get("REDIS_ACL_PASSWORD")}}' }
            - { type: redis, name: redis-open-ok, host: 127.0.0.1, port: {{TestServers.Port("REDIS_NOPASS")}} }
            - { type: redis, name: redis-wrong-password, host: 127.0.0.1, port: {{Port}}, password: not-the-password }
            - { type: redis, name: redis-acl-wrong-password, host: 127.0.0.1, port: {{Port}}, username: {{aclUser}}, password: not-the-password }
            - { type: redis, name: redis-noauth, host: 127.0.0.1, port: {{Port}} }
            - { type: redis, name: redis-no-password-configured, host: 127.0.0.1, port: {{TestServers.Port("REDIS_NOPASS")}}, password: '{{Password}}' }
            - { type: redis, name: redis-closed, host: 127.0.0.1, port: {{closed}} }
            - { type: redis, name: redis-at-postgres, host: 127.0.0.1, port: {{TestServers.Port("POSTGRES")}} }
            - { type: redis, name: redis-at-smtp, host: 127.0.0.1, port: {{TestServers.Port("SMTP")}} }
            - { type: redis, name: redis-silent, host: 127.0.0.1, port: {{silent.Port}}, timeout: 2 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 8 of 11 checks failed |", run.StatusLine);
        Assert.Equal("redis-ok OK", run.Line("redis-ok"));
        Assert.Equal("redis-acl-ok OK", run.Line("redis-acl-ok"));
        Assert.Equal("redis-open-ok OK", run.Line("redis-open-ok"));
        TestServers.AssertCarriesFarEndText(run.Line("redis-wrong-password"), "redis-wrong-password FAILED - connect with auth: wrong password (", ")");
        TestServers.AssertCarriesFarEndText(run.Line("redis-acl-wrong-password"), $"redis-acl-wrong-password FAILED - connect with auth: wrong username or password for user \"{aclUser}\" (", ")");
        Assert.Equal("redis-noauth FAILED - connect: the server requires a password (NOAUTH) and none is configured for this check", run.Line("redis-noauth"));
        Assert.Equal("redis-no-password-configured FAILED - connect with auth: a password was sent but no password is configured on the server", run.Line("redis-no-password-configured"));
        Assert.Equal("redis-closed FAILED - connection refused", run.Line("redis-closed"));
        Assert.Equal("redis-at-postgres FAILED - connect: not a Redis server: the connection was closed without a reply", run.Line("redis-at-postgres"));
        Assert.StartsWith("redis-at-smtp FAILED - connect: not a Redis server: unexpected reply '220 ", run.Line("redis-at-smtp"));
        Assert.Equal("redis-silent FAILED - connect: timed out after 2s waiting for a reply (not a Redis server, or it is not answering)", run.Line("redis-silent"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_the_tcp_sub_check_first()
    {
        var result = await TestServers.RunAsync("redis", new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = Port, ["password"] = Password });

        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Equal($"redis:127.0.0.1:{Port}", result.Name);
        Assert.Equal([$"tcp:127.0.0.1:{Port}", "connect with auth"], result.SubChecks.Select(s => s.Name));
    }
}
