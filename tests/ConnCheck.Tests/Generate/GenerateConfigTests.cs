using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Generate;

/// <summary>conn-check config django|juju|env on realistic fixtures: what is generated, that it validates, and that no secret leaks.</summary>
public sealed class GenerateConfigTests
{
    private static readonly string[] DjangoSecrets =
        ["Pg-s3cret-default", "Pg-s3cret-replica", "My-s3cret-legacy", "r3dis-Cache-pw", "Rabb1t-pw", "0ops-s3cret", "M4il-s3cret", "django-insecure"];

    [Fact]
    public async Task Django_settings_yield_every_network_dependency_with_secrets_as_variables()
    {
        var generated = await Generated.RunAsync(null, "django", Generated.Fixture("django-settings.json"));

        generated.AssertNoSecrets(DjangoSecrets);
        Assert.Equal(
            ["BROKER_PASSWORD", "CACHE_DEFAULT_PASSWORD", "DB_DEFAULT_PASSWORD", "DB_LEGACY_PASSWORD", "DB_REPLICA_PASSWORD", "EMAIL_HOST_PASSWORD", "OOPS_AMQP_PASSWORD"],
            generated.Variables);
        Assert.Equal(
            [
                "postgres db-primary.prod.internal:5432 user=shop_app password=${DB_DEFAULT_PASSWORD} database=shop",
                "postgres db-replica.prod.internal:5433 user=shop_ro password=${DB_REPLICA_PASSWORD} database=shop",
                "mysql mysql.prod.internal:3306 user=orders password=${DB_LEGACY_PASSWORD} database=legacy_orders",
                "redis cache-1.prod.internal:6379 user= password=${CACHE_DEFAULT_PASSWORD} database=",
                "memcache mc-1.prod.internal:11211 user= password= database=",
                "memcache mc-2.prod.internal:11211 user= password= database=",
                "redis ratelimit.prod.internal:6380 user= password= database=",
                "redis ratelimit-replica.prod.internal:6380 user= password= database=",
                "amqp rabbit.prod.internal:5672 user=shop password=${BROKER_PASSWORD} database=",
                "amqp oops-rabbit.prod.internal:5672 user=oops password=${OOPS_AMQP_PASSWORD} database=",
                "udp statsd.prod.internal:8125 user= password= database=",
                "smtp smtp.prod.internal:587 user=shop-mailer password=${EMAIL_HOST_PASSWORD} database=",
            ],
            generated.Checks.Select(Summary));

        var broker = generated.Checks.Single(c => c["host"] == "rabbit.prod.internal");
        Assert.Equal(("shop", "false"), (broker["vhost"], broker["use_tls"]));
        var statsd = generated.Checks.Single(c => c["type"] == "udp");
        Assert.Equal(("conncheck.test:1|c", ""), (statsd["send"], statsd["expect"]));
        var smtp = generated.Checks.Single(c => c["type"] == "smtp");
        Assert.Equal(("false", "true"), (smtp["use_tls"], smtp["starttls"]));
        Assert.DoesNotContain(generated.Checks, c => c.ContainsKey("from_address") || c.ContainsKey("to_address"));

        Assert.Contains("DATABASES['batch']: HOST is a unix socket, not a network dependency; skipped", generated.Notes);
        Assert.Contains("CACHES['sessions']: unix:/run/memcached/memcached.sock is a unix socket; skipped", generated.Notes);
        Assert.Contains(generated.Notes, n => n.StartsWith("DATABASES['cache_db']: engine django.db.backends.sqlite3", StringComparison.Ordinal));

        await generated.AssertValidatesAsync(12, " from zones local");
    }

    [Fact]
    public async Task Django_old_celery_settings_and_from_zone()
    {
        var generated = await Generated.RunAsync(null, "django", Generated.Fixture("django-settings-old-celery.json"), "--from", "web");

        generated.AssertNoSecrets("Old-br0ker-pw", "Old-pg-pw", "guest-oops");
        Assert.Equal(["BROKER_PASSWORD", "DB_DEFAULT_PASSWORD", "OOPS_AMQP_PASSWORD"], generated.Variables);
        Assert.All(generated.Checks, c => Assert.Equal("web", c["from"]));
        Assert.Equal(
            [
                "postgres 10.20.0.5:5432 user=legacy password=${DB_DEFAULT_PASSWORD} database=legacy",
                "memcache memcache.prod.internal:11211 user= password= database=",
                "amqp amqp.prod.internal:5672 user=legacy password=${BROKER_PASSWORD} database=",
                "amqp 10.20.0.9:5672 user=guest password=${OOPS_AMQP_PASSWORD} database=",
                "udp 10.20.0.7:8126 user= password= database=",
            ],
            generated.Checks.Select(Summary));
        Assert.Equal("legacy", generated.Checks[2]["vhost"]);

        // The console email backend sends nothing over the network: no smtp check.
        Assert.DoesNotContain(generated.Checks, c => c["type"] == "smtp");
        await generated.AssertValidatesAsync(5, " from zones web");
    }

    [Fact]
    public async Task Django_statsd_probe_text_can_be_chosen()
    {
        var generated = await Generated.RunAsync(null, "django", Generated.Fixture("django-settings-old-celery.json"), "--statsd-send", "probe:1|c", "--statsd-expect", "pong");

        var statsd = generated.Checks.Single(c => c["type"] == "udp");
        Assert.Equal(("probe:1|c", "pong"), (statsd["send"], statsd["expect"]));
    }

    [Fact]
    public async Task Juju_3_status_yields_zones_from_availability_zones_and_a_check_per_relation_and_zone()
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture("juju-status.json"));

        Assert.Equal(["us-east-1a", "us-east-1b", "us-east-1c"], generated.Zones);
        Assert.Equal(
            [
                "us-east-1a postgres 10.10.3.13:5432 shop,postgresql",
                "us-east-1b postgres 10.10.3.13:5432 shop,postgresql",
                "us-east-1a amqp 10.10.3.40:5672 shop,rabbitmq-server",
                "us-east-1b amqp 10.10.3.40:5672 shop,rabbitmq-server",
                "us-east-1a memcache 10.10.2.12:11211 shop,memcached",
                "us-east-1b memcache 10.10.2.12:11211 shop,memcached",
                "us-east-1a http http://10.10.1.11:8000/ haproxy,shop",
                "us-east-1a http http://10.10.2.12:8000/ haproxy,shop",
                "us-east-1a http http://10.10.1.14:8000/ haproxy,shop",
            ],
            generated.Checks.Select(c => $"{c["from"]} {c["type"]} {(c.TryGetValue("url", out var url) ? url : $"{c["host"]}:{c["port"]}")} {c["tags"]}"));
        Assert.Equal(
            ["SHOP_POSTGRESQL_DATABASE", "SHOP_POSTGRESQL_PASSWORD", "SHOP_POSTGRESQL_USER", "SHOP_RABBITMQ_SERVER_PASSWORD", "SHOP_RABBITMQ_SERVER_USER", "SHOP_RABBITMQ_SERVER_VHOST"],
            generated.Variables);
        Assert.Equal("${SHOP_POSTGRESQL_PASSWORD}", generated.Checks[0]["password"]);
        Assert.Equal("shop -> postgresql/0 (pgsql)", generated.Checks[0]["name"]);
        Assert.Equal("haproxy -> shop/1 (http)", generated.Checks[7]["name"]);
        Assert.Contains("5 relations: 4 checks, 1 notes", generated.Run.Stderr);
        Assert.Equal("false", generated.Checks[2]["use_tls"]);
        Assert.Contains("haproxy/0: open port 10000-10010/tcp is not a single tcp port; not checked", generated.Notes);

        // Peer (postgresql) relations are not counted; the subordinate's (juju-info) ends as a note.
        Assert.DoesNotContain(generated.Checks, c => c["tags"].Contains("ubuntu-advantage", StringComparison.Ordinal));
        Assert.Contains("relation shop:juju-info - ubuntu-advantage:juju-info (juju-info): container-scoped (ubuntu-advantage runs on shop's units): no network path", generated.Notes);
        await generated.AssertValidatesAsync(9, " from zones us-east-1a, us-east-1b");
    }

    [Fact]
    public async Task Juju_2_9_status_with_plain_relation_lists_and_a_machine_without_zone()
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture("juju-status-2.9.json"));

        Assert.Equal(["default", "rack-a", "rack-b"], generated.Zones);
        Assert.Equal(
            ["rack-a mongodb 10.0.5.22:27017", "rack-a redis 10.0.6.23:6379", "rack-a tcp 10.0.5.22:8086"],
            generated.Checks.Select(c => $"{c["from"]} {c["type"]} {c["host"]}:{c["port"]}"));

        // Both ends open ports: the influxdb charm, known to listen on 8086, says which end provides.
        Assert.Equal("api -> influx/0 (influxdb-api)", generated.Checks[2]["name"]);
        Assert.Contains("3 relations: 3 checks, 0 notes", generated.Run.Stderr);
        Assert.Empty(generated.Variables);
        await generated.AssertValidatesAsync(3, " from zones rack-a");
    }

    [Fact]
    public async Task Env_urls_yield_checks_with_passwords_as_variables()
    {
        var env = new Dictionary<string, string>
        {
            ["DATABASE_URL"] = "postgres://shop:Db-Pa55%2Fword@db.prod.internal:5433/shop?sslmode=require",
            ["REDIS_URL"] = "rediss://:R3dis-pw@cache.prod.internal:6380/0",
            ["CLOUDAMQP_URL"] = "amqps://shop:Amqp-pw@rabbit.prod.internal/shop-vhost",
            ["MONGODB_URI"] = "mongodb://shop:M0ngo-pw@mongo-1.prod.internal:27017,mongo-2.prod.internal:27018/shop?authSource=admin&replicaSet=rs0",
            ["MEMCACHED_SERVERS"] = "mc-1.prod.internal:11211,mc-2.prod.internal",
            ["SMTP_URL"] = "smtps://mailer:Sm7p-pw@smtp.prod.internal",
        };

        var generated = await Generated.RunAsync(env, "env", "--from", "web");

        generated.AssertNoSecrets("Db-Pa55", "Db-Pa55/word", "R3dis-pw", "Amqp-pw", "M0ngo-pw", "Sm7p-pw");
        Assert.Equal(["CLOUDAMQP_PASSWORD", "DATABASE_PASSWORD", "MONGODB_PASSWORD", "SMTP_PASSWORD"], generated.Variables);
        Assert.Equal(
            [
                "postgres db.prod.internal:5433 user=shop password=${DATABASE_PASSWORD} database=shop",
                "tls cache.prod.internal:6380 user= password= database=",
                "amqp rabbit.prod.internal:5671 user=shop password=${CLOUDAMQP_PASSWORD} database=",
                "mongodb mongo-1.prod.internal:27017 user=shop password=${MONGODB_PASSWORD} database=shop",
                "mongodb mongo-2.prod.internal:27018 user=shop password=${MONGODB_PASSWORD} database=shop",
                "memcache mc-1.prod.internal:11211 user= password= database=",
                "memcache mc-2.prod.internal:11211 user= password= database=",
                "smtp smtp.prod.internal:465 user=mailer password=${SMTP_PASSWORD} database=",
            ],
            generated.Checks.Select(Summary));
        Assert.Equal(("shop-vhost", "true"), (generated.Checks[2]["vhost"], generated.Checks[2]["use_tls"]));
        Assert.Equal("admin", generated.Checks[3]["auth_source"]);
        Assert.Contains(generated.Notes, n => n.StartsWith("REDIS_URL: rediss://", StringComparison.Ordinal));
        await generated.AssertValidatesAsync(8, " from zones web");
    }

    [Fact]
    public async Task Env_file_is_read_instead_of_the_environment()
    {
        using var dir = new TempConfig("");
        var envFile = Path.Combine(dir.Directory, ".env");
        await File.WriteAllTextAsync(envFile, "# app settings\nexport DATABASE_URL='mysql://orders:My-pw@mysql.prod.internal:3307/orders'\n\nREDIS_URL=redis://cache.prod.internal:6379\nAMQP_URL=\"amqp://007:Mq-pw@rabbit.prod.internal/true\"\n");

        var generated = await Generated.RunAsync(new Dictionary<string, string> { ["MEMCACHED_SERVERS"] = "ignored.example:11211" }, "env", "--env-file", envFile);

        generated.AssertNoSecrets("My-pw", "Mq-pw");
        Assert.Equal(
            [
                "mysql mysql.prod.internal:3307 user=orders password=${DATABASE_PASSWORD} database=orders",
                "redis cache.prod.internal:6379 user= password= database=",
                "amqp rabbit.prod.internal:5672 user=007 password=${AMQP_PASSWORD} database=",
            ],
            generated.Checks.Select(Summary));

        // Strings that YAML would read as a number or a boolean are quoted.
        Assert.Contains("username: \"007\"", generated.Run.Stdout);
        Assert.Contains("vhost: \"true\"", generated.Run.Stdout);
        await generated.AssertValidatesAsync(3, " from zones local");
    }

    [Theory]
    [InlineData("django", "no-such-settings.json", "no such file")]
    [InlineData("juju", "django-settings.json", "no 'applications' in the status")]
    [InlineData("juju", "broken.yaml", "not valid JSON or YAML (line 3")]
    [InlineData("django", "broken.json", "not valid JSON (line 3")]
    public async Task Unusable_input_exits_3_with_the_reason(string kind, string fixture, string message)
    {
        using var dir = new TempConfig("");
        var broken = Path.Combine(dir.Directory, "broken.json");
        await File.WriteAllTextAsync(broken, "{\n  \"DATABASES\": {\n    \"default\": { \"PASSWORD\": \"Leak-me-not\" ,, }\n}\n");
        var brokenYaml = Path.Combine(dir.Directory, "broken.yaml");
        await File.WriteAllTextAsync(brokenYaml, "applications:\n  db:\n    password: [Leak-me-not\n  x: 1\n");
        var path = fixture switch { "broken.json" => broken, "broken.yaml" => brokenYaml, _ => Generated.Fixture(fixture) };

        var run = await ProcessRunner.ConnCheckAsync("config", kind, path);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains(message, run.Stderr);
        Assert.DoesNotContain("Leak-me-not", run.Stderr + run.Stdout);
        Assert.Equal("", run.Stdout);
    }

    [Fact]
    public async Task Env_with_no_service_url_exits_3()
    {
        using var dir = new TempConfig("");
        var envFile = Path.Combine(dir.Directory, ".env");
        await File.WriteAllTextAsync(envFile, "DEBUG=1\n");

        var run = await ProcessRunner.ConnCheckAsync("config", "env", "--env-file", envFile);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("none of DATABASE_URL, REDIS_URL", run.Stderr);
    }

    private static string Summary(IReadOnlyDictionary<string, string> c) =>
        $"{c["type"]} {c["host"]}:{c.GetValueOrDefault("port")} user={c.GetValueOrDefault("username")} password={c.GetValueOrDefault("password")} database={c.GetValueOrDefault("database")}";
}
