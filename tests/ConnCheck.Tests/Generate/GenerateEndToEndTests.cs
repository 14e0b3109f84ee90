using System.Text;
using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Generate;

/// <summary>
/// Generated configs run against the real servers of tests/servers/start.sh, with the secrets supplied
/// only through the environment variables the generator named.
/// </summary>
public sealed partial class GenerateEndToEndTests
{
    private static readonly string[] ServerSecrets = ["POSTGRES_PASSWORD", "MYSQL_PASSWORD", "REDIS_PASSWORD", "AMQP_PASSWORD", "SMTP_PASSWORD", "MONGODB_PASSWORD"];

    [Fact]
    public async Task Django_settings_of_an_app_using_every_test_server_generate_a_config_that_passes()
    {
        using var statsd = new UdpResponder(_ => "ok"u8.ToArray());
        using var dir = new TempConfig("");
        var template = await File.ReadAllTextAsync(Generated.Fixture("django-settings-loopback.json"));
        var settings = Path.Combine(dir.Directory, "settings.json");
        await File.WriteAllTextAsync(settings, Placeholder().Replace(template, m => m.Groups[1].Value == "STATSD_PORT"
            ? statsd.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : TestServers.Get(m.Groups[1].Value)));

        var generated = await Generated.RunAsync(null, "django", settings);

        generated.AssertNoSecrets(ServerSecrets.Select(TestServers.Get).ToArray());
        Assert.Equal(["BROKER_PASSWORD", "CACHE_DEFAULT_PASSWORD", "DB_DEFAULT_PASSWORD", "DB_REPORTS_PASSWORD", "EMAIL_HOST_PASSWORD", "RQ_DEFAULT_PASSWORD"], generated.Variables);

        // The OOPS publisher is the broker's server, user and password: one check.
        Assert.Contains("OOPSES publisher 1: same amqp server and credentials as CELERY_BROKER_URL; checked once, there", generated.Notes);
        Assert.Contains("CELERY_RESULT_BACKEND: same redis server and credentials as CACHES['default']; checked once, there", generated.Notes);
        Assert.Contains("SESSION_REDIS_URL: redis:// URL; checked", generated.Notes);
        Assert.Contains("DATABASES['socket']: HOST is a unix socket, not a network dependency; skipped", generated.Notes);
        var secrets = new Dictionary<string, string>
        {
            ["BROKER_PASSWORD"] = TestServers.Get("AMQP_PASSWORD"),
            ["CACHE_DEFAULT_PASSWORD"] = TestServers.Get("REDIS_PASSWORD"),
            ["DB_DEFAULT_PASSWORD"] = TestServers.Get("POSTGRES_PASSWORD"),
            ["DB_REPORTS_PASSWORD"] = TestServers.Get("MYSQL_PASSWORD"),
            ["EMAIL_HOST_PASSWORD"] = TestServers.Get("SMTP_PASSWORD"),
            ["RQ_DEFAULT_PASSWORD"] = TestServers.Get("REDIS_PASSWORD"),
        };
        var path = generated.Save(dir.Directory);

        var run = await ProcessRunner.ConnCheckAsync(secrets, path);

        Assert.True(run.ExitCode == 0, run + "\n--- config\n" + generated.Run.Stdout);
        Assert.StartsWith("CONN-CHECK OK: 9 checks passed |", run.StatusLine);
        Assert.Equal(
            ["amqp", "memcache", "mysql", "postgres", "redis", "redis", "redis", "smtp", "udp"],
            run.Lines.Skip(1).Select(l => l.Split(':')[0]).Order(StringComparer.Ordinal));
        Assert.Equal("conncheck.test:1|c", Encoding.UTF8.GetString(Assert.Single(statsd.Received)));

        // A wrong secret fails the check it belongs to, and is not printed either.
        var wrong = new Dictionary<string, string>(secrets) { ["DB_DEFAULT_PASSWORD"] = "Not-the-pg-password-42" };
        var failed = await ProcessRunner.ConnCheckAsync(wrong, path);
        Assert.True(failed.ExitCode == 2, failed.ToString());
        Assert.Contains(failed.Lines, l => l.StartsWith($"postgres:127.0.0.1:{TestServers.Port("POSTGRES")} FAILED - auth: password authentication failed", StringComparison.Ordinal));
        Assert.DoesNotContain("Not-the-pg-password-42", failed.Stdout + failed.Stderr);
    }

    [Fact]
    public async Task Juju_status_of_a_deployment_on_the_test_servers_generates_a_config_that_passes_from_each_zone()
    {
        using var dir = new TempConfig("");
        var status = Path.Combine(dir.Directory, "status.json");
        await File.WriteAllTextAsync(status, JujuStatus());

        var generated = await Generated.RunAsync(null, "juju", status);

        Assert.Equal(["az-1", "az-2", "az-3"], generated.Zones);
        Assert.Equal(
            [
                "SHOP_AGENT_RABBITMQ_SERVER_PASSWORD", "SHOP_AGENT_RABBITMQ_SERVER_USER", "SHOP_AGENT_RABBITMQ_SERVER_VHOST",
                "SHOP_MARIADB_PASSWORD", "SHOP_MARIADB_USER", "SHOP_POSTGRESQL_DATABASE", "SHOP_POSTGRESQL_PASSWORD", "SHOP_POSTGRESQL_USER",
                "SHOP_RABBITMQ_SERVER_PASSWORD", "SHOP_RABBITMQ_SERVER_USER", "SHOP_RABBITMQ_SERVER_VHOST",
            ],
            generated.Variables);
        Assert.Contains("7 relations: 6 checks, 1 notes", generated.Run.Stderr);
        var env = new Dictionary<string, string>
        {
            ["SHOP_MARIADB_USER"] = TestServers.Get("MYSQL_USER"),
            ["SHOP_MARIADB_PASSWORD"] = TestServers.Get("MYSQL_PASSWORD"),
            ["SHOP_POSTGRESQL_USER"] = TestServers.Get("POSTGRES_USER"),
            ["SHOP_POSTGRESQL_PASSWORD"] = TestServers.Get("POSTGRES_PASSWORD"),
            ["SHOP_POSTGRESQL_DATABASE"] = TestServers.Get("POSTGRES_DATABASE"),
        };
        foreach (var requirer in new[] { "SHOP", "SHOP_AGENT" })
        {
            env[requirer + "_RABBITMQ_SERVER_USER"] = TestServers.Get("AMQP_USER");
            env[requirer + "_RABBITMQ_SERVER_PASSWORD"] = TestServers.Get("AMQP_PASSWORD");
            env[requirer + "_RABBITMQ_SERVER_VHOST"] = TestServers.Get("AMQP_VHOST");
        }

        var path = generated.Save(dir.Directory);
        var run = await ProcessRunner.ConnCheckAsync(env, path, "--local");

        Assert.True(run.ExitCode == 0, run + "\n--- config\n" + generated.Run.Stdout);
        Assert.StartsWith("CONN-CHECK OK: 12 checks passed (az-1 0/6, az-2 0/6) [zones simulated locally] |", run.StatusLine);
        foreach (var zone in new[] { "az-1", "az-2" })
        {
            Assert.Equal(
                ["shop -> mariadb/0 (mysql)", "shop -> memcached/0 (memcache)", "shop -> postgresql/0 (pgsql)", "shop -> rabbitmq-server/0 (rabbitmq)", "shop -> redis/0 (redis)", "shop-agent -> rabbitmq-server/0 (rabbitmq)"],
                run.Lines.Where(l => l.StartsWith(zone + "/simulated ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..l.LastIndexOf(" OK", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        }

        // The subordinate's own credentials: a wrong one fails its check only, and the report names its relation.
        env["SHOP_AGENT_RABBITMQ_SERVER_PASSWORD"] = "Not-the-amqp-password-7";
        var failed = await ProcessRunner.ConnCheckAsync(env, path, "--local");
        Assert.True(failed.ExitCode == 2, failed.ToString());
        Assert.Equal(2, failed.Lines.Count(l => l.Contains(" shop-agent -> rabbitmq-server/0 (rabbitmq) FAILED", StringComparison.Ordinal)));
        Assert.DoesNotContain(failed.Lines, l => l.Contains(" shop -> rabbitmq-server/0 (rabbitmq) FAILED", StringComparison.Ordinal));
        Assert.DoesNotContain("Not-the-amqp-password-7", failed.Stdout + failed.Stderr);
    }

    [Fact]
    public async Task Env_urls_pointing_at_the_test_servers_generate_a_config_that_passes()
    {
        string Url(string scheme, string server, string user, string path) =>
            $"{scheme}://{user}:{Uri.EscapeDataString(TestServers.Get(server + "_PASSWORD"))}@127.0.0.1:{TestServers.Port(server)}{path}";
        var app = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = Url("postgres", "POSTGRES", TestServers.Get("POSTGRES_USER"), "/" + TestServers.Get("POSTGRES_DATABASE")),
            ["REDIS_URL"] = Url("redis", "REDIS", "", "/0"),
            ["AMQP_URL"] = Url("amqp", "AMQP", TestServers.Get("AMQP_USER"), "/" + TestServers.Get("AMQP_VHOST")),
            ["MONGODB_URI"] = Url("mongodb", "MONGODB", TestServers.Get("MONGODB_USER"), "/" + TestServers.Get("MONGODB_DATABASE")),
            ["MEMCACHED_SERVERS"] = $"127.0.0.1:{TestServers.Port("MEMCACHE")}",
            ["SMTP_URL"] = Url("smtp", "SMTP", TestServers.Get("SMTP_USER"), ""),
        };

        var generated = await Generated.RunAsync(app, "env");

        generated.AssertNoSecrets(ServerSecrets.Select(TestServers.Get).ToArray());
        Assert.Equal(["AMQP_PASSWORD", "DATABASE_PASSWORD", "MONGODB_PASSWORD", "REDIS_PASSWORD", "SMTP_PASSWORD"], generated.Variables);
        using var dir = new TempConfig("");
        var secrets = new Dictionary<string, string>
        {
            ["AMQP_PASSWORD"] = TestServers.Get("AMQP_PASSWORD"),
            ["DATABASE_PASSWORD"] = TestServers.Get("POSTGRES_PASSWORD"),
            ["MONGODB_PASSWORD"] = TestServers.Get("MONGODB_PASSWORD"),
            ["REDIS_PASSWORD"] = TestServers.Get("REDIS_PASSWORD"),
            ["SMTP_PASSWORD"] = TestServers.Get("SMTP_PASSWORD"),
        };

        var run = await ProcessRunner.ConnCheckAsync(secrets, generated.Save(dir.Directory), "--connect-timeout", "30");

        Assert.True(run.ExitCode == 0, run + "\n--- config\n" + generated.Run.Stdout);
        Assert.StartsWith("CONN-CHECK OK: 6 checks passed |", run.StatusLine);
        Assert.Equal(
            ["amqp", "memcache", "mongodb", "postgres", "redis", "smtp"],
            run.Lines.Skip(1).Select(l => l.Split(':')[0]).Order(StringComparer.Ordinal));
    }

    private static string JujuStatus()
    {
        static string Subordinate(string? name) =>
            name is null ? "" : $$$""", "subordinates": {"{{{name}}}": {"workload-status": {"current": "active"}, "public-address": "127.0.0.1"}}""";
        static string Unit(string machine, string? port, string? subordinate = null) =>
            $$"""{"workload-status": {"current": "active", "since": "02 May 2025 09:40:00Z"}, "juju-status": {"current": "idle", "since": "02 May 2025 09:41:00Z", "version": "3.4.5"}, "machine": "{{machine}}", "open-ports": [{{(port is null ? "" : $"\"{port}/tcp\"")}}], "public-address": "127.0.0.1"{{Subordinate(subordinate)}} }""";
        static string Rel(string app, string iface) => $$"""[{"related-application": "{{app}}", "interface": "{{iface}}", "scope": "global"}]""";
        static string Machine(string zone) => $$"""{"dns-name": "127.0.0.1", "ip-addresses": ["127.0.0.1"], "hardware": "arch=amd64 cores=2 mem=4096M availability-zone={{zone}}"}""";

        return $$$"""
            {
              "model": {"name": "loopback", "type": "iaas", "controller": "test", "cloud": "test", "version": "3.4.5"},
              "machines": {"0": {{{Machine("az-1")}}}, "1": {{{Machine("az-2")}}}, "2": {{{Machine("az-3")}}}},
              "applications": {
                "shop": {"charm": "shop", "charm-name": "shop",
                  "relations": {"db": {{{Rel("postgresql", "pgsql")}}}, "reports": {{{Rel("mariadb", "mysql")}}}, "sessions": {{{Rel("redis", "redis")}}}, "cache": {{{Rel("memcached", "memcache")}}}, "amqp": {{{Rel("rabbitmq-server", "rabbitmq")}}},
                    "juju-info": [{"related-application": "shop-agent", "interface": "juju-info", "scope": "container"}]},
                  "units": {"shop/0": {{{Unit("0", null, "shop-agent/0")}}}, "shop/1": {{{Unit("1", null, "shop-agent/1")}}}}},
                "shop-agent": {"charm": "shop-agent", "charm-name": "shop-agent", "subordinate-to": ["shop"],
                  "relations": {"amqp": {{{Rel("rabbitmq-server", "rabbitmq")}}}, "juju-info": [{"related-application": "shop", "interface": "juju-info", "scope": "container"}]}},
                "postgresql": {"charm": "postgresql", "charm-name": "postgresql", "relations": {"db": {{{Rel("shop", "pgsql")}}}}, "units": {"postgresql/0": {{{Unit("2", TestServers.Get("POSTGRES_PORT"))}}}}},
                "mariadb": {"charm": "mariadb", "charm-name": "mariadb", "relations": {"db": {{{Rel("shop", "mysql")}}}}, "units": {"mariadb/0": {{{Unit("2", TestServers.Get("MYSQL_PORT"))}}}}},
                "redis": {"charm": "redis", "charm-name": "redis", "relations": {"redis": {{{Rel("shop", "redis")}}}}, "units": {"redis/0": {{{Unit("2", TestServers.Get("REDIS_NOPASS_PORT"))}}}}},
                "memcached": {"charm": "memcached", "charm-name": "memcached", "relations": {"cache": {{{Rel("shop", "memcache")}}}}, "units": {"memcached/0": {{{Unit("2", TestServers.Get("MEMCACHE_PORT"))}}}}},
                "rabbitmq-server": {"charm": "rabbitmq-server", "charm-name": "rabbitmq-server", "relations": {"amqp": [{"related-application": "shop", "interface": "rabbitmq", "scope": "global"}, {"related-application": "shop-agent", "interface": "rabbitmq", "scope": "global"}]}, "units": {"rabbitmq-server/0": {{{Unit("2", TestServers.Get("AMQP_PORT"))}}}}}
              }
            }
            """;
    }

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}")]
    private static partial Regex Placeholder();
}
