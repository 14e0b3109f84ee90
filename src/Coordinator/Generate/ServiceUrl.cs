using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Generate;

/// <summary>One host of a service URL; <see cref="Port"/> is null when the URL gives none.</summary>
public sealed record UrlHost(string Host, int? Port);

/// <summary>
/// A service URL as 12-factor apps and Django/Celery settings write them:
/// <c>scheme://[user[:password]@]host[:port][,host2[:port2]...][/path][?query]</c>. Mongo's host lists
/// and IPv6 literals ([::1]) are why this is not <see cref="Uri"/>. Never put <see cref="Password"/> in output.
/// </summary>
public sealed record ServiceUrl(string Scheme, string? User, string? Password, IReadOnlyList<UrlHost> Hosts, string Path, IReadOnlyDictionary<string, string> Query)
{
    public UrlHost? FirstHost => Hosts.Count > 0 ? Hosts[0] : null;

    /// <summary>Parses <paramref name="text"/>; null (with <paramref name="error"/>) when it is not such a URL. The error never quotes the URL.</summary>
    public static ServiceUrl? TryParse(string text, out string? error)
    {
        error = null;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            error = "not a URL (expected scheme://...)";
            return null;
        }

        var scheme = text[..schemeEnd].ToLowerInvariant();
        var rest = text[(schemeEnd + 3)..];
        var query = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var queryStart = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryStart >= 0)
        {
            foreach (var pair in rest[(queryStart + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
                query[key] = equals < 0 ? "" : Uri.UnescapeDataString(pair[(equals + 1)..]);
            }

            rest = rest[..queryStart];
        }

        // The user info ends at the last '@' before the path: passwords may contain '@' unescaped.
        var slash = rest.IndexOf('/', rest.LastIndexOf('@') + 1);
        var authority = slash >= 0 ? rest[..slash] : rest;
        var path = slash >= 0 ? Uri.UnescapeDataString(rest[(slash + 1)..]) : "";
        string? user = null, password = null;
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var userInfo = authority[..at];
            authority = authority[(at + 1)..];
            var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon >= 0 ? userInfo[..colon] : userInfo);
            password = colon >= 0 ? Uri.UnescapeDataString(userInfo[(colon + 1)..]) : null;
            user = user.Length == 0 ? null : user;
        }

        var hosts = new List<UrlHost>();
        foreach (var item in authority.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (ParseHost(item) is not { } host)
            {
                error = $"bad host or port in {scheme}:// URL";
                return null;
            }

            hosts.Add(host);
        }

        return new ServiceUrl(scheme, user, password, hosts, path, query);
    }

    /// <summary><c>host</c>, <c>host:port</c>, <c>[v6]</c> or <c>[v6]:port</c>; percent-escapes decoded (a unix socket path may be escaped).</summary>
    public static UrlHost? ParseHost(string text) =>
        AkkaAddress.TrySplit(text, out var host, out var port, defaultPort: 0)
            ? new UrlHost(Uri.UnescapeDataString(host), port == 0 ? null : port)
            : null;
}
