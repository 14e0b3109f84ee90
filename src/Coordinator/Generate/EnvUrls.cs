namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// conn-check config env: checks from the 12-factor service URLs in an environment (DATABASE_URL,
/// REDIS_URL, AMQP_URL, MONGODB_URI, MEMCACHED_SERVERS, SMTP_URL and their common aliases).
/// Passwords in the URLs become <c>${NAME_PASSWORD}</c> references (DATABASE_URL's: DATABASE_PASSWORD).
/// </summary>
public sealed class EnvUrls(Func<string, string?> lookup, GeneratedConfig config)
{
    /// <summary>The variables read, in this order.</summary>
    public static readonly IReadOnlyList<string> Variables =
    [
        "DATABASE_URL", "REDIS_URL", "AMQP_URL", "RABBITMQ_URL", "CLOUDAMQP_URL", "MONGODB_URI", "MONGO_URL", "MEMCACHED_SERVERS", "SMTP_URL",
    ];

    public void Generate()
    {
        var found = false;
        foreach (var variable in Variables)
        {
            if (lookup(variable) is not { Length: > 0 } value)
            {
                continue;
            }

            found = true;
            if (variable == "MEMCACHED_SERVERS")
            {
                Memcached(value);
                continue;
            }

            if (ServiceUrl.TryParse(value, out var error) is not { } url)
            {
                config.Note($"{variable}: {error}; skipped");
                continue;
            }

            if (!Expected(variable, url.Scheme))
            {
                config.Note($"{variable}: a {url.Scheme}:// URL is not what this variable names; checked as {url.Scheme} anyway");
            }

            UrlChecks.Add(config, url, Prefix(variable), variable);
        }

        if (!found)
        {
            throw new GenerateException($"none of {string.Join(", ", Variables)} is set");
        }
    }

    private void Memcached(string value)
    {
        foreach (var server in value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (ServiceUrl.ParseHost(server) is { } host && host.Host.Length > 0)
            {
                config.Add("MEMCACHED_SERVERS", "memcache", ("host", host.Host), ("port", host.Port ?? 11211));
            }
            else
            {
                config.Note($"MEMCACHED_SERVERS: cannot read server {server}; skipped");
            }
        }
    }

    // DATABASE_URL -> DATABASE, MONGODB_URI -> MONGODB: the secret is then DATABASE_PASSWORD.
    internal static string Prefix(string variable) =>
        variable.EndsWith("_URL", StringComparison.Ordinal) || variable.EndsWith("_URI", StringComparison.Ordinal) ? variable[..^4] : variable;

    private static bool Expected(string variable, string scheme) => variable switch
    {
        "DATABASE_URL" => scheme is "postgres" or "postgresql" or "pgsql" or "postgis" or "mysql" or "mysql2" or "mysqlgis" or "mariadb",
        "REDIS_URL" => scheme is "redis" or "rediss",
        "AMQP_URL" or "RABBITMQ_URL" or "CLOUDAMQP_URL" => scheme is "amqp" or "amqps",
        "MONGODB_URI" or "MONGO_URL" => scheme is "mongodb" or "mongodb+srv",
        "SMTP_URL" => scheme is "smtp" or "smtps" or "submission",
        _ => true,
    };
}
