using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Checks.Services;

public sealed class PostgresCheckTests
{
    private static readonly int Port = TestServers.Port("POSTGRES");
    private static readonly string Password = TestServers.Get("POSTGRES_PASSWORD");
    private static readonly string SocketDir = TestServers.Get("POSTGRES_SOCKET_DIR");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($"""
            - {Check("pg-ok", Port, Password, "app")}
            - {Check("pg-socket", Port, Password, "app", SocketDir)}
            - {Check("pg-wrong-password", Port, "not-the-password", "app")}
            - {Check("pg-socket-wrong-password", Port, "not-the-password", "app", SocketDir)}
            - {Check("pg-unknown-db", Port, Password, "nosuchdb")}
            - {Check("pg-closed", closed, Password, "app")}
            - {Check("pg-at-smtp", TestServers.Port("SMTP"), Password, "app")}
            - {Check("pg-at-redis", TestServers.Port("REDIS"), Password, "app", extra: ", timeout: 2")}
            - {Check("pg-silent", silent.Port, Password, "app", extra: ", timeout: 2")}
            - type: postgresql
              name: pg-alias
              host: 127.0.0.1
              port: {Port}
              username: app
              password: {Password}
              database: app
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 7 of 10 checks failed |", run.StatusLine);
        Assert.Equal("pg-ok OK", run.Line("pg-ok"));
        Assert.Equal("pg-socket OK", run.Line("pg-socket"));
        Assert.Equal("pg-alias OK", run.Line("pg-alias"));
        Assert.Equal("pg-wrong-password FAILED - auth: password authentication failed for user \"app\"", run.Line("pg-wrong-password"));
        Assert.Equal("pg-socket-wrong-password FAILED - password authentication failed for user \"app\"", run.Line("pg-socket-wrong-password"));
        Assert.Equal("pg-unknown-db FAILED - auth: database \"nosuchdb\" does not exist", run.Line("pg-unknown-db"));
        Assert.Equal("pg-closed FAILED - connection refused", run.Line("pg-closed"));
        Assert.StartsWith("pg-at-smtp FAILED - auth: not a PostgreSQL server: ", run.Line("pg-at-smtp"));
        Assert.Equal("pg-at-redis FAILED - auth: timed out after 2s waiting for a reply (not a PostgreSQL server, or it is not answering)", run.Line("pg-at-redis"));
        Assert.Equal("pg-silent FAILED - auth: timed out after 2s waiting for a reply (not a PostgreSQL server, or it is not answering)", run.Line("pg-silent"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public async Task Tcp_check_runs_the_tcp_sub_check_first_and_a_socket_directory_is_a_unix_destination()
    {
        var tcp = await TestServers.RunAsync("postgres", new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = Port, ["username"] = "app", ["password"] = Password, ["database"] = "app" });
        var socket = await TestServers.RunAsync("postgres", new Dictionary<string, object> { ["host"] = SocketDir, ["port"] = Port, ["username"] = "app", ["password"] = Password, ["database"] = "app" });

        Assert.Equal(CheckStatus.Ok, tcp.Status);
        Assert.Equal([$"tcp:127.0.0.1:{Port}", "auth"], tcp.SubChecks.Select(s => s.Name));
        Assert.Equal($"127.0.0.1:{Port}", tcp.Destination);
        Assert.Equal(CheckStatus.Ok, socket.Status);
        Assert.Equal(["auth"], socket.SubChecks.Select(s => s.Name));
        Assert.Equal($"postgres:{SocketDir}:{Port}", socket.Name);
        Assert.Equal(Path.Combine(SocketDir, $".s.PGSQL.{Port}"), socket.Destination);
    }

    private static string Check(string name, int port, string password, string database, string host = "127.0.0.1", string extra = "") =>
        $"{{ type: postgres, name: {name}, host: '{host}', port: {port}, username: app, password: '{password}', database: {database}{extra} }}";
}
