namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// Checks for a service URL (database, cache, broker, mail), shared by the Django and environment
/// generators. The password becomes <c>${PREFIX_PASSWORD}</c>; the URL itself is never written or quoted.
/// </summary>
internal static class UrlChecks
{
    /// <summary>Adds the checks <paramref name="url"/> calls for; <paramref name="source"/> names it in notes (e.g. "DATABASE_URL").</summary>
    public static void Add(GeneratedConfig config, ServiceUrl url, string prefix, string source)
    {
        var hosts = url.Hosts.Where(h => Usable(config, h, source)).ToList();
        if (url.Hosts.Count == 0)
        {
            config.Note($"{source}: no host in the {url.Scheme}:// URL; skipped");
        }

        foreach (var host in hosts)
        {
            AddOne(config, url, host, prefix, source);
        }
    }

    private static bool Usable(GeneratedConfig config, UrlHost host, string source)
    {
        if (host.Host.Length == 0)
        {
            config.Note($"{source}: empty host (a local socket); skipped");
            return false;
        }

        if (host.Host.StartsWith('/'))
        {
            config.Note($"{source}: {host.Host} is a unix socket, not a network dependency; skipped");
            return false;
        }

        return true;
    }

    private static void AddOne(GeneratedConfig config, ServiceUrl url, UrlHost host, string prefix, string source)
    {
        string? Password() => url.Password is { Length: > 0 } ? config.Secret(prefix + "_PASSWORD", $"password in {source}", url.Password) : null;
        string User() => url.User ?? config.Secret(prefix + "_USER", $"user name for {source} (the URL has none)");

        switch (url.Scheme)
        {
            case "postgres" or "postgresql" or "pgsql" or "postgis":
                var database = url.Path.Length > 0 ? url.Path : config.Secret(prefix + "_DATABASE", $"database name for {source} (the URL has none)");
                config.Add(source, "postgres", ("host", host.Host), ("port", host.Port), ("username", User()), ("password", Password()), ("database", database));
                break;
            case "mysql" or "mysql2" or "mysqlgis" or "mariadb":
                config.Add(source, "mysql", ("host", host.Host), ("port", host.Port ?? 3306), ("username", User()), ("password", Password()), ("database", NullIfEmpty(url.Path)));
                break;
            case "redis":
                config.Add(source, "redis", ("host", host.Host), ("port", host.Port), ("username", url.Password is null ? null : url.User), ("password", Password()));
                break;
            case "rediss":
                config.Note($"{source}: rediss:// (Redis over TLS) is checked as a tls check; the redis check speaks plain TCP");
                config.Add(source, "tls", ("host", host.Host), ("port", host.Port ?? 6379));
                break;
            case "amqp" or "pyamqp" or "librabbitmq" or "amqps":
                var tls = url.Scheme == "amqps";
                config.Add(source, "amqp", ("host", host.Host), ("port", host.Port ?? (tls ? 5671 : 5672)),
                    ("username", url.User ?? "guest"),
                    ("password", url.Password is { Length: > 0 } ? Password() : config.Secret(prefix + "_PASSWORD", $"password for {source} (the URL has none; RabbitMQ's default is guest)")),
                    ("vhost", url.Path.Length > 0 ? url.Path : "/"), ("use_tls", tls));
                break;
            case "mongodb":
                config.Add(source, "mongodb", ("host", host.Host), ("port", host.Port), ("username", url.User), ("password", Password()),
                    ("database", NullIfEmpty(url.Path)), ("auth_source", url.Query.GetValueOrDefault("authSource")));
                break;
            case "memcache" or "memcached":
                config.Add(source, "memcache", ("host", host.Host), ("port", host.Port));
                break;
            case "smtp" or "smtps" or "submission":
                config.Add(source, "smtp", ("host", host.Host), ("port", host.Port ?? url.Scheme switch { "smtps" => 465, "submission" => 587, _ => 25 }),
                    ("username", url.Password is null ? null : url.User), ("password", Password()),
                    ("use_tls", url.Scheme == "smtps"), ("starttls", url.Scheme == "submission" ? true : null));
                break;
            case "mongodb+srv":
                config.Note($"{source}: mongodb+srv:// names its hosts in DNS SRV records; list them as mongodb:// to check them; skipped");
                break;
            default:
                config.Note($"{source}: {url.Scheme}:// is not a service conn-check checks; skipped");
                break;
        }
    }

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
}
