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
    /// <summary>
    /// Every secret-bearing field of every type (types without one - tcp, udp, tls, memcache - have no
    /// row): the check's name, the secrets that must never be printed, and its YAML (ECHO is the port of a
    /// server that echoes the request back, credential headers first).
    /// </summary>
    private static readonly (string Name, string[] Secrets, string Yaml)[] Table =
    [
        ("pg", ["Pg-Wr0ng-9f3k"], $"type: postgres, host: 127.0.0.1, port: {TestServers.Port("POSTGRES")}, username: app, password: Pg-Wr0ng-9f3k, database: app"),
        ("redis", ["Rd-Wr0ng-2m8x"], $"type: redis, host: 127.0.0.1, port: {TestServers.Port("REDIS")}, password: Rd-Wr0ng-2m8x"),
        ("amqp", ["Mq-Wr0ng-7c1v"], $"type: amqp, host: 127.0.0.1, port: {TestServers.Port("AMQP")}, username: app, password: Mq-Wr0ng-7c1v, vhost: app"),
        ("mongo", ["Mg-Wr0ng-4q6z"], $"type: mongodb, host: 127.0.0.1, port: {TestServers.Port("MONGODB")}, username: app, password: Mg-Wr0ng-4q6z, database: app"),
        ("smtp", ["Sm-Wr0ng-8h2n"], $"type: smtp, host: 127.0.0.1, port: {TestServers.Port("SMTP")}, username: app, password: Sm-Wr0ng-8h2n"),
        ("mysql", ["My-Wr0ng-3j5p"], $"type: mysql, host: 127.0.0.1, port: {TestServers.Port("MYSQL")}, username: app, password: My-Wr0ng-3j5p, database: app"),
        ("ssh", ["Ss-Wr0ng-6k2d"], $"type: ssh, host: 127.0.0.1, port: {TestServers.Port("SSH")}, username: {TestServers.Get("SSH_USER")}, password: Ss-Wr0ng-6k2d"),
        ("sshkey", ["Ss-Phr4se-3v8b"], $"type: ssh, host: 127.0.0.1, port: {TestServers.Port("SSH")}, username: nobody-here, private_key_file: '{TestServers.Get("SSH_CLIENT_KEY")}', private_key_passphrase: Ss-Phr4se-3v8b"),
        ("ldap", ["Ld-Wr0ng-5r7u"], $"type: ldap, host: 127.0.0.1, port: {TestServers.Port("LDAP")}, bind_dn: 'cn=admin,dc=conncheck,dc=test', password: Ld-Wr0ng-5r7u"),
        ("ldaptls", ["Ld-Wr0ng-8e2w"], $"type: ldap, url: 'ldap://127.0.0.1:{TestServers.Port("LDAP")}', starttls: true, bind_dn: 'cn=admin,dc=conncheck,dc=test', password: Ld-Wr0ng-8e2w"),
        ("basic", ["Ht-Basic-6w1r", Base64("checker:Ht-Basic-6w1r")], "type: http, url: \"http://127.0.0.1:ECHO/basic\", auth: [checker, Ht-Basic-6w1r]"),
        ("digest", ["Ht-Digest-5t9y", Base64("checker:Ht-Digest-5t9y")], "type: http, url: \"http://127.0.0.1:ECHO/digest\", digest_auth: [checker, Ht-Digest-5t9y]"),
        ("bearer", ["Bearer-T0ken-1a2b3c"], "type: http, url: \"http://127.0.0.1:ECHO/h\", headers: { Authorization: \"Bearer Bearer-T0ken-1a2b3c\" }"),
        ("apikey", ["ApiKey-8d7e6f"], "type: http, url: \"http://127.0.0.1:ECHO/k\", headers: { X-Api-Key: ApiKey-8d7e6f }"),
        ("cookie", ["Sess10n-C00kie-x9"], "type: http, url: \"http://127.0.0.1:ECHO/c\", cookies: { session: Sess10n-C00kie-x9 }"),
        ("proxy", ["Pr0xy-Pa55-k4"], "type: http, url: \"http://127.0.0.1:ECHO/p\", proxy_url: \"http://user:Pr0xy-Pa55-k4@127.0.0.1:ECHO\""),
        ("urluser", ["Ur1-Pa55-q7"], "type: http, url: \"http://user:Ur1-Pa55-q7@127.0.0.1:ECHO/u\""),
    ];

    /// <summary>
    /// Every way a run can show something: report formats, the matrix, the HTML page (its file), streaming, dry run,
    /// OpenMetrics and its textfile, the history file (two runs, so transitions are stored too) and `conn-check history`.
    /// </summary>
    private static readonly string[][] Outputs =
    [
        ["-v", "-t", "-d"], ["-U", "-v"], ["--dry-run"], ["--format", "json", "-v"], ["--format", "junit"], ["--matrix", "-v"], ["--html", "HTML"],
        ["--format", "openmetrics"], ["--format", "html"], ["--format", "matrix"], ["--textfile", "DIR"], ["--history", "HISTORY"], ["--history", "HISTORY", "--html", "HTML"],
    ];

    [Fact]
    public async Task No_secret_of_any_field_appears_in_any_output_locally_or_through_a_debug_logging_agent()
    {
        using var echo = new ScriptedTcpServer(async (stream, ct) =>
        {
            var buffer = new byte[8192];
            var read = await stream.ReadAsync(buffer, ct);
            var lines = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n");
            var credentialsFirst = lines.OrderBy(l => l.StartsWith("Authorization", StringComparison.Ordinal) || l.StartsWith("X-Api-Key", StringComparison.Ordinal) || l.StartsWith("Cookie", StringComparison.Ordinal) ? 0 : 1);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", credentialsFirst)), ct);
        });
        using var local = new TempConfig(Config(echo.Port, zone: null));
        using var remote = new TempConfig(Config(echo.Port, zone: "vault"));
        using var debug = new TempConfig("akka.loglevel = DEBUG\nconn-check.agent.log-stack-traces = on\n", "debug.hocon");
        await using var agent = await AgentProcess.StartAsync("vault", "vault-1", extraArgs: ["--hocon", debug.Path]);

        var outputs = new List<(string What, string Text)>();
        foreach (var output in Outputs)
        {
            foreach (var (where, config, extra) in new[] { ("local", local, new[] { "--tls-certs-path", TestServers.Get("TLS_CA_DIR") }), ("agent", remote, new[] { "--agent", $"vault={agent.Address}" }) })
            {
                var html = Path.Combine(config.Directory, $"matrix-{where}.html");
                var history = Path.Combine(config.Directory, $"history-{where}.db");
                var run = await ProcessRunner.ConnCheckAsync([config.Path, .. extra, .. output.Select(o => o switch { "HTML" => html, "HISTORY" => history, "DIR" => config.Directory, _ => o })]);
                var what = $"{where} {string.Join(' ', output)}";
                outputs.Add((what, run.ToString()));
                if (output.Contains("--html"))
                {
                    outputs.Add(($"{what} (the page)", File.ReadAllText(html)));
                }

                if (output[0] == "--textfile")
                {
                    outputs.Add(($"{what} (the textfile)", File.ReadAllText(Path.Combine(config.Directory, "conn-check.prom"))));
                }

                if (output[0] == "--history")
                {
                    Assert.DoesNotContain("--history", run.Stderr, StringComparison.Ordinal);
                    foreach (var file in Directory.GetFiles(config.Directory, $"history-{where}.db*"))
                    {
                        outputs.Add(($"{what} (the file {Path.GetFileName(file)})", Encoding.Latin1.GetString(File.ReadAllBytes(file))));
                    }

                    foreach (var show in new[] { new[] { "--format", "json" }, ["--path", "*"] })
                    {
                        outputs.Add(($"conn-check history {string.Join(' ', show)} after {what}", (await ProcessRunner.ConnCheckAsync(["history", "--history", history, .. show])).ToString()));
                    }
                }

                if (output[0] != "--dry-run")
                {
                    Assert.True(run.ExitCode == 2, $"{what}: every check must fail\n{run}");
                }

                if (output is ["-v", "-t", "-d"])
                {
                    // Every check failed, and each failure says why.
                    var prefix = where == "local" ? "" : "vault/vault-1 ";
                    Assert.All(Table, row => Assert.Contains(run.Lines, l => l.StartsWith($"{prefix}{row.Name} FAILED", StringComparison.Ordinal)));
                }
            }
        }

        agent.Process.Terminate();
        await agent.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        outputs.Add(("agent log (DEBUG, log-stack-traces = on)", agent.Process.Output));
        Assert.Contains("[DEBUG]", agent.Process.Output, StringComparison.Ordinal);

        var leaks = Table.SelectMany(row => row.Secrets.Select(secret => (row.Name, secret)))
            .SelectMany(s => outputs.Where(o => o.Text.Contains(s.secret, StringComparison.Ordinal)).Select(o => $"{s.Name}: '{s.secret}' in {o.What}"))
            .ToArray();
        Assert.True(leaks.Length == 0, $"{leaks.Length} leaks:\n{string.Join("\n", leaks)}\n\nfirst leaking output:\n{outputs.FirstOrDefault(o => leaks.Length > 0 && leaks[0].EndsWith(o.What, StringComparison.Ordinal)).Text}");

        // The echoed request really reached a report line, masked.
        var verbose = outputs[0].Text + outputs[1].Text;
        Assert.Contains("the server sent \"Authorization: ***\"", verbose, StringComparison.Ordinal);
        Assert.Contains("the server sent \"Authorization: Basic ***", verbose, StringComparison.Ordinal);
        Assert.Contains("the server sent \"X-Api-Key: ***", verbose, StringComparison.Ordinal);
        Assert.Contains("the server sent \"Cookie: session=***", verbose, StringComparison.Ordinal);
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    private static string Config(int echoPort, string? zone)
    {
        var from = zone is null ? "" : $"from: {zone}, ";
        return string.Concat(Table.Select(row => $"- {{ {from}name: {row.Name}, {row.Yaml.Replace("ECHO", echoPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)} }}\n"));
    }
}
