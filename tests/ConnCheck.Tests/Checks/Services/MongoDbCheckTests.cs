using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace ConnCheck.Tests.Checks.Services;

public sealed class MongoDbCheckTests
{
    private static readonly int Port = TestServers.Port("MONGODB");
    private static readonly string Password = TestServers.Get("MONGODB_PASSWORD");

    [Fact]
    public async Task Reports_success_and_each_failure_distinctly()
    {
        using var silent = new AcceptingListener();
        var closed = Loopback.ClosedPort();
        using var config = new TempConfig($$"""
            - { type: mongodb, name: mongo-ok, host: 127.0.0.1, port: {{Port}}, username: app, password: '{{Password}}', database: app }
            - { type: mongo, name: mongo-alias-ok, host: 127.0.0.1, port: {{Port}}, username: app, password: '{{Password}}', database: app }
            - { type: mongodb, name: mongo-wrong-password, host: 127.0.0.1, port: {{Port}}, username: app, password: not-the-password, database: app }
            - { type: mongodb, name: mongo-other-db, host: 127.0.0.1, port: {{Port}}, username: app, password: '{{Password}}', database: other }
            - { type: mongodb, name: mongo-not-authorized, host: 127.0.0.1, port: {{Port}}, username: app, password: '{{Password}}', database: other, auth_source: app }
            - { type: mongodb, name: mongo-no-credentials, host: 127.0.0.1, port: {{Port}} }
            - { type: mongodb, name: mongo-closed, host: 127.0.0.1, port: {{closed}} }
            - { type: mongodb, name: mongo-at-postgres, host: 127.0.0.1, port: {{TestServers.Port("POSTGRES")}} }
            - { type: mongodb, name: mongo-at-redis, host: 127.0.0.1, port: {{TestServers.Port("REDIS")}}, timeout: 2 }
            - { type: mongodb, name: mongo-silent, host: 127.0.0.1, port: {{silent.Port}}, timeout: 2 }
            """);

        var run = await ProcessRunner.ConnCheckAsync(config.Path);

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("CONN-CHECK CRITICAL: 8 of 10 checks failed |", run.StatusLine);
        Assert.Equal("mongo-ok OK", run.Line("mongo-ok"));
        Assert.Equal("mongo-alias-ok OK", run.Line("mongo-alias-ok"));
        TestServers.AssertCarriesFarEndText(run.Line("mongo-wrong-password"), "mongo-wrong-password FAILED - auth: authentication failed for user \"app\" on database \"app\": ");
        TestServers.AssertCarriesFarEndText(run.Line("mongo-other-db"), "mongo-other-db FAILED - auth: authentication failed for user \"app\" on database \"other\": ");
        TestServers.AssertCarriesFarEndText(run.Line("mongo-not-authorized"), "mongo-not-authorized FAILED - auth: listing collections of \"other\" failed: ");
        TestServers.AssertCarriesFarEndText(run.Line("mongo-no-credentials"), "mongo-no-credentials FAILED - connect: listing collections of \"test\" failed: ");
        Assert.Equal("mongo-closed FAILED - connection refused", run.Line("mongo-closed"));
        Assert.Equal("mongo-at-postgres FAILED - connect: not a MongoDB server: the server closed the connection", run.Line("mongo-at-postgres"));
        Assert.Equal("mongo-at-redis FAILED - connect: timed out after 2s waiting for a reply (not a MongoDB server, or it is not answering)", run.Line("mongo-at-redis"));
        Assert.Equal("mongo-silent FAILED - connect: timed out after 2s waiting for a reply (not a MongoDB server, or it is not answering)", run.Line("mongo-silent"));
        Assert.DoesNotContain(Password, run.Stdout + run.Stderr, StringComparison.Ordinal);
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), run.ToString());
    }

    [Fact]
    public async Task Pointed_at_an_http_server_it_fails_fast_saying_it_is_not_mongodb()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/", () => "hello");
        await app.StartAsync();
        var httpPort = new Uri(app.Urls.First()).Port;

        var result = await TestServers.RunAsync("mongodb", new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = httpPort, ["username"] = "app", ["password"] = Password, ["database"] = "app" }, timeoutSeconds: 30);

        Assert.Equal(CheckStatus.Failed, result.Status);
        Assert.StartsWith("auth: not a MongoDB server: ", result.Reason);
        Assert.True(result.DurationMs < 10_000, $"took {result.DurationMs} ms: {result.Reason}");
    }

    [Fact]
    public async Task Runs_the_tcp_sub_check_first_then_lists_collections()
    {
        var result = await TestServers.RunAsync("mongodb", new Dictionary<string, object> { ["host"] = "127.0.0.1", ["port"] = Port, ["username"] = "app", ["password"] = Password, ["database"] = "app" });

        Assert.Equal(CheckStatus.Ok, result.Status);
        Assert.Equal($"mongodb:127.0.0.1:{Port}", result.Name);
        Assert.Equal([$"tcp:127.0.0.1:{Port}", "auth"], result.SubChecks.Select(s => s.Name));
        Assert.Equal("0 collections in app", result.SubChecks[1].Message);
    }
}
