using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>
/// Failing configs of every secret-bearing type, against the real servers, run locally and through a
/// real agent with -v -t -d (and -U, --dry-run): no password, token or auth header appears in any
/// output of the coordinator or the agent.
/// </summary>
public sealed class SecretsTests
{
    private static readonly string[] Passwords =
    [
        "Pg-Wr0ng-9f3k", "Rd-Wr0ng-2m8x", "Mq-Wr0ng-7c1v", "Mg-Wr0ng-4q6z", "Sm-Wr0ng-8h2n", "My-Wr0ng-3j5p",
        "Ht-Basic-6w1r", "Ht-Digest-5t9y", "Bearer-T0ken-1a2b3c", "ApiKey-8d7e6f", "Sess10n-C00kie-x9", "Pr0xy-Pa55-k4",
    ];

    private static readonly string[] Names = ["pg", "redis", "amqp", "mongo", "smtp", "mysql", "basic", "digest", "bearer", "apikey", "cookie", "proxy"];

    [Fact]
    public async Task No_password_appears_in_any_output_locally_or_through_an_agent()
    {
        // A server that echoes the request it got, credential headers first: the http check reports
        // the first bytes a non-HTTP server sends.
        using var echo = new ScriptedTcpServer(async (stream, ct) =>
        {
            var buffer = new byte[8192];
            var read = await stream.ReadAsync(buffer, ct);
            var lines = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n");
            var credentialsFirst = lines.OrderBy(l => l.StartsWith("Authorization", StringComparison.Ordinal) || l.StartsWith("X-Api-Key", StringComparison.Ordinal) || l.StartsWith("Cookie", StringComparison.Ordinal) ? 0 : 1);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", credentialsFirst)), ct);
        });
        using var closed = new AcceptingListener();
        var yaml = Config(echo.Port, zone: null);
        using var local = new TempConfig(yaml);
        using var remote = new TempConfig(Config(echo.Port, zone: "vault"));
        await using var agent = await AgentProcess.StartAsync("vault", "vault-1");

        var runs = new List<(string What, string Text)>();
        foreach (var args in new[] { new[] { "-v", "-t", "-d" }, ["-U", "-v"], ["--dry-run"] })
        {
            var localRun = await ProcessRunner.ConnCheckAsync([local.Path, "--tls-certs-path", TestServers.Get("TLS_CA_DIR"), .. args]);
            runs.Add(($"local {string.Join(' ', args)}", localRun.ToString()));
            var remoteRun = await ProcessRunner.ConnCheckAsync([remote.Path, "--agent", $"vault={agent.Address}", .. args]);
            runs.Add(($"agent {string.Join(' ', args)}", remoteRun.ToString()));
            if (args[0] == "-v")
            {
                Assert.True(localRun.ExitCode == 2, localRun.ToString());
                Assert.True(remoteRun.ExitCode == 2, remoteRun.ToString());
                // Every check failed, and each failure says why, without the secret.
                Assert.Equal(12, localRun.Lines.Count(l => Names.Any(n => l.StartsWith(n + " ", StringComparison.Ordinal)) && l.Contains(" FAILED", StringComparison.Ordinal)));
                Assert.Equal(12, remoteRun.Lines.Count(l => l.StartsWith("vault/vault-1 ", StringComparison.Ordinal) && l.Contains(" FAILED", StringComparison.Ordinal)));
            }
        }

        agent.Process.Terminate();
        await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        runs.Add(("agent log", agent.Process.Output));

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("checker:Ht-Basic-6w1r"));
        foreach (var (what, text) in runs)
        {
            foreach (var secret in Passwords.Append(basic))
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal), $"{what}: '{secret}' appears in\n{text}");
            }
        }

        // The echoed request really reached a report line, masked.
        var verbose = runs[0].Text + runs[1].Text;
        Assert.Contains("the server sent \"Authorization: ***\"", verbose, StringComparison.Ordinal);
        Assert.Contains("the server sent \"Authorization: Basic ***", verbose, StringComparison.Ordinal);
        Assert.Contains("the server sent \"X-Api-Key: ***", verbose, StringComparison.Ordinal);
        Assert.Contains("the server sent \"Cookie: session=***", verbose, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("e", "expecting e but got E", "expecting *** but got E")]
    [InlineData("ab", "abort: password ab rejected (ab)", "abort: password *** rejected (***)")]
    [InlineData("x1", "x1x1 x1", "x1x1 ***")]
    [InlineData("long-secret", "a long-secretlong-secret b", "a ****** b")]
    [InlineData("Bearer-T0ken-1a2b3c", "the server sent \"Authorization: Bearer Bearer-T0k\"", "the server sent \"Authorization: Bearer ***\"")]
    [InlineData("Bearer-T0ken-1a2b3c", "cut at Bearer-T0ken-1a...", "cut at ***...")]
    [InlineData("Bearer-T0ken-1a2b3c", "ends with Bearer-T", "ends with ***")]
    [InlineData("pa|ss word\"x", "server said pa\\x7css word\\x22x", "server said ***")]
    [InlineData("pa|ss", "server said pa/ss", "server said ***")]
    public void Short_passwords_are_masked_only_where_they_stand_alone(string secret, string message, string expected)
    {
        Assert.Equal(expected, Redaction.Apply(message, [secret]));
    }

    [Theory]
    [InlineData("Authorization", true)]
    [InlineData("Proxy-Authorization", true)]
    [InlineData("Cookie", true)]
    [InlineData("X-Api-Key", true)]
    [InlineData("X-Auth-Token", true)]
    [InlineData("X-Client-Secret", true)]
    [InlineData("Accept", false)]
    [InlineData("User-Agent", false)]
    [InlineData("X-Request-Id", false)]
    public void Headers_that_carry_credentials_are_secret(string header, bool secret)
    {
        Assert.Equal(secret, Redaction.IsSecretHeader(header));
    }

    private static string Config(int echoPort, string? zone)
    {
        var from = zone is null ? "" : $"from: {zone}, ";
        var host = "127.0.0.1";
        return $$"""
            - { {{from}}name: pg, type: postgres, host: {{host}}, port: {{TestServers.Port("POSTGRES")}}, username: app, password: Pg-Wr0ng-9f3k, database: app }
            - { {{from}}name: redis, type: redis, host: {{host}}, port: {{TestServers.Port("REDIS")}}, password: Rd-Wr0ng-2m8x }
            - { {{from}}name: amqp, type: amqp, host: {{host}}, port: {{TestServers.Port("AMQP")}}, username: app, password: Mq-Wr0ng-7c1v, vhost: app }
            - { {{from}}name: mongo, type: mongodb, host: {{host}}, port: {{TestServers.Port("MONGODB")}}, username: app, password: Mg-Wr0ng-4q6z, database: app }
            - { {{from}}name: smtp, type: smtp, host: {{host}}, port: {{TestServers.Port("SMTP")}}, username: app, password: Sm-Wr0ng-8h2n }
            - { {{from}}name: mysql, type: mysql, host: {{host}}, port: {{TestServers.Port("MYSQL")}}, username: app, password: My-Wr0ng-3j5p, database: app }
            - { {{from}}name: basic, type: http, url: "http://{{host}}:{{echoPort}}/basic", auth: [checker, Ht-Basic-6w1r] }
            - { {{from}}name: digest, type: http, url: "http://{{host}}:{{echoPort}}/digest", digest_auth: [checker, Ht-Digest-5t9y] }
            - { {{from}}name: bearer, type: http, url: "http://{{host}}:{{echoPort}}/h", headers: { Authorization: "Bearer Bearer-T0ken-1a2b3c" } }
            - { {{from}}name: apikey, type: http, url: "http://{{host}}:{{echoPort}}/k", headers: { X-Api-Key: ApiKey-8d7e6f } }
            - { {{from}}name: cookie, type: http, url: "http://{{host}}:{{echoPort}}/c", cookies: { session: Sess10n-C00kie-x9 } }
            - { {{from}}name: proxy, type: http, url: "http://{{host}}:{{echoPort}}/p", proxy_url: "http://user:Pr0xy-Pa55-k4@{{host}}:{{echoPort}}" }
            """;
    }
}
