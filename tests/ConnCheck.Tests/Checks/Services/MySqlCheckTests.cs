using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class MySqlCheckTests
{
    private static readonly int Port = TestServers.Port("MYSQL");
    private static readonly string Password = TestServers.Get("MYSQL_PASSWORD");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - {Check("my-ok", Port, Password, "app")}
            - {Check("my-wrong-password", Port, "not-the-password", "app")}
            - {Check("my-unknown-db", Port, Password, "nosuchdb")}
            - {Check("my-closed", closed, Password, "app")}
            - {Check("my-at-redis", TestServers.Port("REDIS"), Password, "app", ", timeout: 2")}
            - {Check("my-silent", silent.Port, Password, "app", ", timeout: 2")}
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 5 of 6 checks failed |", run.StatusLine);
        Assert.Equal("my-ok OK", run.Line("my-ok"));
        // The mysql check carries the server's refusal as is; its wording is the server's, its step is ours.
        TestServers.AssertCarriesFarEndText(run.Line("my-wrong-password"), "my-wrong-password FAILED - auth: ");
        TestServers.AssertCarriesFarEndText(run.Line("my-unknown-db"), "my-unknown-db FAILED - auth: ");
        Assert.Contains("nosuchdb", run.Line("my-unknown-db"), StringComparison.Ordinal);
        Assert.Equal("my-closed FAILED - connection refused", run.Line("my-closed"));
        Assert.Equal("my-at-redis FAILED - auth: timed out after 2s waiting for a reply (not a MySQL server, or it is not answering)", run.Line("my-at-redis"));
        Assert.Equal("my-silent FAILED - auth: timed out after 2s waiting for a reply (not a MySQL server, or it is not answering)", run.Line("my-silent"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_the_tcp_sub_check_first_then_auth()
    {
        var result = await TestServers.RunAsync("mysql", new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = Port, ["username"] = "app", ["password"] = Password, ["database"] = "app" });

        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Equal($"mysql:127.0.0.1:{Port}", result.Name);
        Assert.Equal([$"tcp:127.0.0.1:{Port}", "auth"], result.SubChecks.Select(s => s.Name));
        Assert.Matches("MariaDB", result.SubChecks[1].Message);
        Assert.NotNull(result.MainStepMs);
    }

    private static string Check(string name, int port, string password, string database, string extra = "") =>
        $"{{ type: mysql, name: {name}, host: 127.0.0.1, port: {port}, username: app, password: '{password}', database: {database}{extra} }}";
}
