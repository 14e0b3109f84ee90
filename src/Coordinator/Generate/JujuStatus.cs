using System.Globalization;
using System.Text.Json;

namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// conn-check config juju: from <c>juju status --format=json</c>, zones are the machines' availability
/// zones, and each relation yields one check from each requiring unit's zone to each providing unit's
/// address and opened port, typed by the relation's interface (tcp when it is not a well-known one).
/// </summary>
public sealed class JujuStatus(JsonElement status, GeneratedConfig config)
{
    private const string DefaultZone = "default";

    private sealed record Kind(string Type, int? Port);

    private static readonly Dictionary<string, Kind> Interfaces = new(StringComparer.OrdinalIgnoreCase)
    {
        ["pgsql"] = new("postgres", 5432),
        ["postgresql"] = new("postgres", 5432),
        ["postgresql_client"] = new("postgres", 5432),
        ["mysql"] = new("mysql", 3306),
        ["mysql_client"] = new("mysql", 3306),
        ["mongodb"] = new("mongodb", 27017),
        ["mongodb_client"] = new("mongodb", 27017),
        ["redis"] = new("redis", 6379),
        ["memcache"] = new("memcache", 11211),
        ["memcached"] = new("memcache", 11211),
        ["amqp"] = new("amqp", 5672),
        ["rabbitmq"] = new("amqp", 5672),
        ["http"] = new("http", null),
    };

    private sealed record Unit(string Name, string App, string Zone, string? Address, IReadOnlyList<int> TcpPorts);

    public void Generate()
    {
        if (status.Get("applications") is not { ValueKind: JsonValueKind.Object } applications)
        {
            throw new GenerateException("no 'applications' in the status JSON: expected the output of 'juju status --format=json'");
        }

        var zones = MachineZones();
        foreach (var zone in zones.Values)
        {
            config.Zone(zone);
        }

        var units = applications.EnumerateObject().ToDictionary(a => a.Name, a => Units(a.Name, a.Value, zones), StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        foreach (var app in applications.EnumerateObject())
        {
            foreach (var (endpoint, related) in app.Value.Get("relations").Members())
            {
                foreach (var (otherApp, iface) in Related(related))
                {
                    if (otherApp == app.Name || !units.ContainsKey(otherApp))
                    {
                        continue;
                    }

                    // Each relation is listed by both ends.
                    var key = string.CompareOrdinal(app.Name, otherApp) < 0 ? $"{app.Name}\n{otherApp}\n{iface}" : $"{otherApp}\n{app.Name}\n{iface}";
                    if (done.Add(key))
                    {
                        Relate(app.Name, endpoint, otherApp, iface, units, applications);
                    }
                }
            }
        }
    }

    // Juju 3 lists {related-application, interface, scope} per endpoint; Juju 2.9 just the application names.
    private static IEnumerable<(string App, string? Interface)> Related(JsonElement related)
    {
        if (related.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var item in related.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String && item.GetString() is { } name)
            {
                yield return (name, null);
            }
            else if (item.Text("related-application") is { } app && item.Text("scope") is null or "global")
            {
                yield return (app, item.Text("interface"));
            }
        }
    }

    private void Relate(string app, string endpoint, string otherApp, string? iface, Dictionary<string, List<Unit>> units, JsonElement applications)
    {
        var kind = Lookup(iface) ?? Lookup(endpoint) ?? Lookup(applications.Get(otherApp)?.Text("charm-name") ?? applications.Get(otherApp)?.Text("charm"))
            ?? Lookup(applications.Get(app)?.Text("charm-name") ?? applications.Get(app)?.Text("charm"));

        // The provider is the end that listens: the one with the interface's well-known port open, else the
        // one with any port open; when both listen (a web app behind a proxy), the end whose endpoint has a
        // provider's name (db, website, amqp...).
        bool HasPort(string name, int? port) => units[name].Any(u => port is { } p ? u.TcpPorts.Contains(p) : u.TcpPorts.Count > 0);
        bool Named(string name, string? ep) => HasPort(name, null) && ep is not null && ProviderEndpoints.Contains(ep);
        var otherEndpoint = EndpointTowards(applications, otherApp, app);
        var tests = new List<(bool Mine, bool Theirs)>
        {
            (kind?.Port is { } mine && HasPort(app, mine), kind?.Port is { } theirs && HasPort(otherApp, theirs)),
            (HasPort(app, null), HasPort(otherApp, null)),
            (Named(app, endpoint), Named(otherApp, otherEndpoint)),
        };
        var (requirer, provider) = tests.Where(t => t.Mine != t.Theirs)
            .Select(t => t.Mine ? (otherApp, app) : (app, otherApp))
            .Cast<(string?, string?)>()
            .FirstOrDefault();

        if (requirer is null || provider is null)
        {
            config.Note($"relation {app}:{endpoint} - {otherApp}: cannot tell which end listens (open ports on {(units[app].Count + units[otherApp].Count == 0 ? "no units" : "both or neither")}); skipped");
            return;
        }

        var type = kind?.Type ?? "tcp";
        foreach (var target in units[provider].Where(u => u.Address is not null))
        {
            var ports = kind?.Port is { } known && target.TcpPorts.Contains(known) ? [known] : target.TcpPorts;
            foreach (var port in ports)
            {
                foreach (var zone in units[requirer].Select(u => u.Zone).Distinct().Order(StringComparer.Ordinal))
                {
                    AddCheck(type, zone, target, port, requirer, provider);
                }
            }
        }
    }

    private static readonly HashSet<string> ProviderEndpoints = new(StringComparer.Ordinal)
    {
        "website", "db", "database", "db-admin", "shared-db", "amqp", "cache", "redis", "mongodb", "memcache",
    };

    private static string? EndpointTowards(JsonElement applications, string app, string other) =>
        applications.Get(app)?.Get("relations").Members()
            .FirstOrDefault(m => Related(m.Value).Any(r => r.App == other)).Name;

    private void AddCheck(string type, string zone, Unit target, int port, string requirer, string provider)
    {
        var tags = new[] { requirer, provider };
        var secretPrefix = provider;
        var host = target.Address!;
        switch (type)
        {
            case "postgres":
                config.Add("postgres", ("from", zone), ("host", host), ("port", port),
                    ("username", config.Secret(secretPrefix + "_USER", $"user name {requirer} uses on {provider}")),
                    ("password", config.Secret(secretPrefix + "_PASSWORD", $"password {requirer} uses on {provider}")),
                    ("database", config.Secret(secretPrefix + "_DATABASE", $"database {requirer} uses on {provider}")), ("tags", tags));
                break;
            case "mysql":
                config.Add("mysql", ("from", zone), ("host", host), ("port", port),
                    ("username", config.Secret(secretPrefix + "_USER", $"user name {requirer} uses on {provider}")),
                    ("password", config.Secret(secretPrefix + "_PASSWORD", $"password {requirer} uses on {provider}")), ("tags", tags));
                break;
            case "amqp":
                config.Add("amqp", ("from", zone), ("host", host), ("port", port),
                    ("username", config.Secret(secretPrefix + "_USER", $"user name {requirer} uses on {provider}")),
                    ("password", config.Secret(secretPrefix + "_PASSWORD", $"password {requirer} uses on {provider}")),
                    ("vhost", config.Secret(secretPrefix + "_VHOST", $"vhost {requirer} uses on {provider}")), ("use_tls", port == 5671), ("tags", tags));
                break;
            case "http":
                var scheme = port == 443 ? "https" : "http";
                var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
                config.Add("http", ("from", zone), ("url", string.Create(CultureInfo.InvariantCulture, $"{scheme}://{authority}:{port}/")), ("tags", tags));
                break;
            default:
                config.Add(type, ("from", zone), ("host", host), ("port", port), ("tags", tags));
                break;
        }
    }

    private static Kind? Lookup(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (Interfaces.TryGetValue(name, out var kind))
        {
            return kind;
        }

        // Charm names: postgresql-k8s, rabbitmq-server, memcached...
        return Interfaces.FirstOrDefault(i => name.StartsWith(i.Key, StringComparison.OrdinalIgnoreCase) && i.Value.Type != "http").Value;
    }

    private Dictionary<string, string> MachineZones()
    {
        var zones = new Dictionary<string, string>(StringComparer.Ordinal);
        void Visit(string id, JsonElement machine, string? parentZone)
        {
            var zone = Zone(machine.Text("hardware")) ?? parentZone ?? DefaultZone;
            zones[id] = zone;
            foreach (var (childId, child) in machine.Get("containers").Members())
            {
                Visit(childId, child, zone);
            }
        }

        foreach (var (id, machine) in status.Get("machines").Members())
        {
            Visit(id, machine, null);
        }

        return zones;
    }

    private static string? Zone(string? hardware) =>
        hardware?.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => p.StartsWith("availability-zone=", StringComparison.Ordinal))
            .Select(p => p["availability-zone=".Length..])
            .FirstOrDefault(z => z.Length > 0);

    private List<Unit> Units(string app, JsonElement application, Dictionary<string, string> zones)
    {
        var list = new List<Unit>();
        foreach (var (name, unit) in application.Get("units").Members())
        {
            var machine = unit.Text("machine");
            var zone = machine is not null && zones.TryGetValue(machine, out var z) ? z : DefaultZone;
            var address = unit.Text("public-address") ?? unit.Text("address");
            var ports = new List<int>();
            foreach (var port in unit.Get("open-ports").Strings())
            {
                if (port.EndsWith("/tcp", StringComparison.OrdinalIgnoreCase) && int.TryParse(port[..^4], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    ports.Add(number);
                }
                else
                {
                    config.Note($"{name}: open port {port} is not a single tcp port; not checked");
                }
            }

            list.Add(new Unit(name, app, zone, address, ports));
        }

        return list;
    }
}
