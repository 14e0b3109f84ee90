using System.Text.Json;

namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// conn-check config django: checks from a Django app's settings (dumped as JSON), as the original
/// conn-check-configs made them: DATABASES (postgres, mysql; unix sockets skipped), CACHES (memcached,
/// redis), the Celery broker (URL or the old BROKER_* settings), OOPS(ES) amqp publishers, statsd
/// (udp) and EMAIL_HOST (smtp, no message sent).
/// </summary>
public sealed class DjangoSettings(JsonElement settings, GeneratedConfig config)
{
    public const string DefaultStatsdSend = "conncheck.test:1|c";

    // Django's MySQL backend connects to 3306 when PORT is empty; the generated check says so instead of an empty port.
    private const int MySqlPort = 3306;

    private static readonly Dictionary<string, string> Engines = new(StringComparer.Ordinal)
    {
        ["django.db.backends.postgresql"] = "postgres",
        ["django.db.backends.postgresql_psycopg2"] = "postgres",
        ["django.contrib.gis.db.backends.postgis"] = "postgres",
        ["django.db.backends.mysql"] = "mysql",
        ["django.contrib.gis.db.backends.mysql"] = "mysql",
    };

    public string StatsdSend { get; init; } = DefaultStatsdSend;

    public string StatsdExpect { get; init; } = "";

    /// <summary>The database name of a DATABASES entry without NAME (the original's -d/--database-name).</summary>
    public string? DefaultDatabaseName { get; init; }

    public void Generate()
    {
        if (settings.ValueKind != JsonValueKind.Object)
        {
            throw new GenerateException("the settings JSON must be an object of setting names to values");
        }

        Databases();
        Caches();
        Broker();
        Oopses();
        Statsd();
        Email();
        var urls = new DjangoServiceUrls(settings, config);
        urls.RqQueues();
        urls.OtherSettings();
    }

    private void Databases()
    {
        foreach (var (alias, db) in settings.Get("DATABASES").Members())
        {
            var engine = db.Text("ENGINE") ?? "";
            if (!Engines.TryGetValue(engine, out var type))
            {
                config.Note($"DATABASES['{alias}']: engine {engine} is not checked; skipped");
                continue;
            }

            var host = db.Text("HOST") ?? "";
            if (host.Length == 0 || host.StartsWith('/'))
            {
                config.Note($"DATABASES['{alias}']: {(host.Length == 0 ? "no HOST (the local socket)" : "HOST is a unix socket")}, not a network dependency; skipped");
                continue;
            }

            var prefix = $"DB_{alias}";
            var user = db.Text("USER") ?? config.Secret(prefix + "_USER", $"user name for DATABASES['{alias}'] (the settings have none)");
            var password = db.Text("PASSWORD") is null ? null : config.Secret(prefix + "_PASSWORD", $"password of DATABASES['{alias}']", db.Text("PASSWORD"));
            var name = db.Text("NAME") ?? DefaultDatabaseName;
            if (type == "postgres")
            {
                config.Add($"DATABASES['{alias}']", "postgres", ("host", host), ("port", db.Int("PORT")), ("username", user), ("password", password),
                    ("database", name ?? config.Secret(prefix + "_NAME", $"database name of DATABASES['{alias}'] (the settings have none)")));
            }
            else
            {
                config.Add($"DATABASES['{alias}']", "mysql", ("host", host), ("port", db.Int("PORT") ?? MySqlPort), ("username", user), ("password", password), ("database", name));
            }
        }
    }

    private void Caches()
    {
        foreach (var (alias, cache) in settings.Get("CACHES").Members())
        {
            var backend = cache.Text("BACKEND") ?? "";
            var locations = cache.Get("LOCATION").Strings(';', ',');
            var source = $"CACHES['{alias}']";
            if (backend.Length == 0 || backend.Contains("memcached", StringComparison.OrdinalIgnoreCase) || backend.Contains("pylibmc", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var location in locations)
                {
                    if (location.StartsWith("unix:", StringComparison.Ordinal) || location.StartsWith('/'))
                    {
                        config.Note($"{source}: {location} is a unix socket; skipped");
                    }
                    else if (ServiceUrl.ParseHost(location) is { } host)
                    {
                        config.Add(source, "memcache", ("host", host.Host), ("port", host.Port ?? 11211));
                    }
                    else
                    {
                        config.Note($"{source}: cannot read LOCATION {location}; skipped");
                    }
                }
            }
            else if (backend.Contains("redis", StringComparison.OrdinalIgnoreCase))
            {
                RedisCache(cache, locations, source, alias);
            }
            else
            {
                config.Note($"{source}: backend {backend} has no network dependency conn-check checks; skipped");
            }
        }
    }

    private void RedisCache(JsonElement cache, IReadOnlyList<string> locations, string source, string alias)
    {
        var optionsPassword = cache.Get("OPTIONS") is { } options ? options.Text("PASSWORD") : null;
        foreach (var location in locations)
        {
            // django-redis-cache also takes a bare host:port.
            var text = location.Contains("://", StringComparison.Ordinal) ? location : "redis://" + location;
            if (ServiceUrl.TryParse(text, out var error) is not { } url)
            {
                config.Note($"{source}: {error}; skipped");
                continue;
            }

            if (url.Scheme == "unix")
            {
                config.Note($"{source}: unix socket location; skipped");
                continue;
            }

            // The password itself is never written: only whether there is one matters here.
            if (optionsPassword is not null && url.Password is null)
            {
                url = url with { Password = optionsPassword };
            }

            UrlChecks.Add(config, url, $"CACHE_{alias}", source);
        }
    }

    private void Broker()
    {
        var urls = (settings.Get("CELERY_BROKER_URL") ?? settings.Get("BROKER_URL")).Strings(';');
        if (urls.Count > 0)
        {
            var name = settings.Get("CELERY_BROKER_URL") is null ? "BROKER_URL" : "CELERY_BROKER_URL";
            for (var i = 0; i < urls.Count; i++)
            {
                var prefix = i == 0 ? "BROKER" : $"BROKER_{i + 1}";
                if (ServiceUrl.TryParse(urls[i], out var error) is { } url)
                {
                    var useSsl = settings.Bool("BROKER_USE_SSL") || settings.Bool("CELERY_BROKER_USE_SSL");
                    UrlChecks.Add(config, useSsl && url.Scheme == "amqp" ? url with { Scheme = "amqps" } : url, prefix, name);
                }
                else
                {
                    config.Note($"{name}: {error}; skipped");
                }
            }

            return;
        }

        // The old style, as the original read it: BROKER_HOST with BROKER_BACKEND amqp (the default) or redis.
        var host = settings.Text("BROKER_HOST");
        var backend = settings.Text("BROKER_BACKEND");
        if (host is null || backend is not (null or "amqp" or "redis"))
        {
            return;
        }

        var port = settings.Int("BROKER_PORT");
        if (backend == "redis")
        {
            var password = settings.Text("BROKER_PASSWORD") is null ? null : config.Secret("BROKER_PASSWORD", "BROKER_PASSWORD of the settings", settings.Text("BROKER_PASSWORD"));
            config.Add("BROKER_HOST", "redis", ("host", host), ("port", port), ("password", password));
            return;
        }

        config.Add("BROKER_HOST", "amqp", ("host", host), ("port", port ?? 5672), ("username", settings.Text("BROKER_USER") ?? "guest"),
            ("password", config.Secret("BROKER_PASSWORD", "BROKER_PASSWORD of the settings", settings.Text("BROKER_PASSWORD"))),
            ("vhost", settings.Text("BROKER_VHOST")), ("use_tls", settings.Bool("BROKER_USE_SSL")));
    }

    private void Oopses()
    {
        var oopses = settings.Get("OOPSES") ?? settings.Get("OOPS");
        var publishers = oopses?.Get("publishers") is { ValueKind: JsonValueKind.Array } list ? list.EnumerateArray().ToList() : [];
        var amqp = publishers.Where(p => p.Text("type") == "amqp").ToList();
        for (var i = 0; i < amqp.Count; i++)
        {
            var publisher = amqp[i];
            // oops_amqp takes 'host:port' in host, as the original generator split it.
            var written = publisher.Text("host");
            var hostPort = written is null ? null : ServiceUrl.ParseHost(written);
            var host = hostPort?.Host ?? written;
            var port = publisher.Int("port") ?? hostPort?.Port ?? 5672;
            var prefix = amqp.Count == 1 ? "OOPS_AMQP" : $"OOPS_AMQP_{i + 1}";
            config.Add($"OOPSES publisher {i + 1}", "amqp", ("host", host), ("port", port), ("username", publisher.Text("user") ?? "guest"),
                ("password", config.Secret(prefix + "_PASSWORD", $"password of OOPS publisher {i + 1} (amqp)", publisher.Text("password"))),
                ("vhost", publisher.Text("vhost")), ("use_tls", port == 5671));
        }
    }

    private void Statsd()
    {
        if (settings.Text("STATSD_HOST") is not { } setting)
        {
            return;
        }

        // django-statsd also accepts host:port in STATSD_HOST.
        var host = ServiceUrl.ParseHost(setting);
        config.Add("STATSD_HOST", "udp", ("host", host?.Host ?? setting), ("port", host?.Port ?? settings.Int("STATSD_PORT") ?? 8125), ("send", StatsdSend), ("expect", StatsdExpect));
    }

    private void Email()
    {
        var backend = settings.Text("EMAIL_BACKEND");
        var host = settings.Text("EMAIL_HOST");
        if (host is null || (backend is not null && !backend.Contains("smtp", StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }

        var ssl = settings.Bool("EMAIL_USE_SSL");
        var user = settings.Text("EMAIL_HOST_USER");
        var password = settings.Text("EMAIL_HOST_PASSWORD");

        // Django's smtp backend logs in only when both are set.
        var login = user is not null && password is not null;
        if (!login && (user ?? password) is not null)
        {
            config.Note($"EMAIL_HOST: {(user is null ? "EMAIL_HOST_PASSWORD without EMAIL_HOST_USER" : "EMAIL_HOST_USER without EMAIL_HOST_PASSWORD")}: Django does not log in; checked without authentication");
        }

        config.Add("EMAIL_HOST", "smtp", ("host", host), ("port", settings.Int("EMAIL_PORT") ?? 25),
            ("username", login ? user : null), ("password", login ? config.Secret("EMAIL_HOST_PASSWORD", "EMAIL_HOST_PASSWORD of the settings", password) : null),
            ("use_tls", ssl), ("starttls", !ssl && settings.Bool("EMAIL_USE_TLS") ? true : null));
    }
}

/// <summary>Input a generator cannot use at all; the message never quotes secrets.</summary>
public sealed class GenerateException(string message) : Exception(message);
