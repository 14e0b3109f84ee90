using System.Globalization;
using System.Text.Json;

namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// The Django dependencies outside the settings <see cref="DjangoSettings"/> reads by name: django-rq's
/// <c>RQ_QUEUES</c>, and any other setting (at any depth) whose value is a service URL.
/// </summary>
internal sealed class DjangoServiceUrls(JsonElement settings, GeneratedConfig config)
{
    private static readonly HashSet<string> Read = new(StringComparer.Ordinal)
    {
        "DATABASES", "CACHES", "CELERY_BROKER_URL", "BROKER_URL", "OOPSES", "OOPS", "RQ_QUEUES",
    };

    private static readonly HashSet<string> Schemes = new(StringComparer.Ordinal)
    {
        "postgres", "postgresql", "pgsql", "postgis", "mysql", "mysql2", "mariadb", "redis", "rediss", "amqp", "amqps", "pyamqp",
        "librabbitmq", "memcache", "memcached", "smtp", "smtps", "submission", "mongodb", "mongodb+srv",
    };

    /// <summary>django-rq queues: URL, or HOST/PORT/DB/USERNAME/PASSWORD/SSL, or USE_REDIS_CACHE (checked with that cache).</summary>
    public void RqQueues()
    {
        foreach (var (name, queue) in settings.Get("RQ_QUEUES").Members())
        {
            var source = $"RQ_QUEUES['{name}']";
            var prefix = $"RQ_{name}";
            if (queue.Text("USE_REDIS_CACHE") is { } cache)
            {
                config.Note(settings.Get("CACHES")?.Get(cache) is null
                    ? $"{source}: USE_REDIS_CACHE names CACHES['{cache}'], which the settings do not have; skipped"
                    : $"{source}: uses CACHES['{cache}']; checked there");
            }
            else if (queue.Text("URL") is { } text)
            {
                if (ServiceUrl.TryParse(text, out var error) is { } url)
                {
                    UrlChecks.Add(config, url, prefix, source);
                }
                else
                {
                    config.Note($"{source}: URL {error}; skipped");
                }
            }
            else if (queue.Get("SENTINELS") is not null)
            {
                config.Note($"{source}: Redis Sentinel is not checked (the redis check speaks to one server); skipped");
            }
            else if (queue.Text("UNIX_SOCKET_PATH") is not null)
            {
                config.Note($"{source}: UNIX_SOCKET_PATH is a unix socket, not a network dependency; skipped");
            }
            else if (queue.Text("HOST") is { } host)
            {
                var url = new ServiceUrl(queue.Bool("SSL") ? "rediss" : "redis", queue.Text("USERNAME"), queue.Text("PASSWORD"),
                    [new UrlHost(host, queue.Int("PORT") ?? 6379)], queue.Text("DB") ?? "", new Dictionary<string, string>());
                UrlChecks.Add(config, url, prefix, source);
            }
            else
            {
                config.Note($"{source}: no URL, HOST or USE_REDIS_CACHE; skipped");
            }
        }
    }

    /// <summary>Every service URL in the settings not read above, each with a note naming its setting.</summary>
    public void OtherSettings()
    {
        foreach (var (name, value) in ((JsonElement?)settings).Members())
        {
            if (!Read.Contains(name) && !name.StartsWith("EMAIL_", StringComparison.Ordinal) && !name.StartsWith("STATSD_", StringComparison.Ordinal))
            {
                Visit(name, [EnvUrls.Prefix(name)], value);
            }
        }
    }

    private void Visit(string path, List<string> parts, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                Url(path, string.Join('_', parts), value.GetString() ?? "");
                break;
            case JsonValueKind.Object:
                foreach (var (key, child) in ((JsonElement?)value).Members())
                {
                    Visit($"{path}['{key}']", [.. parts, key], child);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var child in value.EnumerateArray())
                {
                    var index = (i++).ToString(CultureInfo.InvariantCulture);
                    Visit($"{path}[{index}]", [.. parts, index], child);
                }

                break;
        }
    }

    private void Url(string path, string prefix, string text)
    {
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0 || !Schemes.Contains(text[..schemeEnd].ToLowerInvariant()))
        {
            return;
        }

        if (ServiceUrl.TryParse(text, out var error) is not { } url)
        {
            config.Note($"{path}: {error}; skipped");
            return;
        }

        var before = config.Checks.Count;
        UrlChecks.Add(config, url, prefix, path);
        if (config.Checks.Count > before)
        {
            config.Note($"{path}: {url.Scheme}:// URL; checked");
        }
    }
}
