using System.Globalization;
using System.Text.Json;

namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// conn-check config juju: from <c>juju status</c>, zones are the machines' availability zones, and each
/// relation becomes checks from each zone of the end that connects to each unit (or Kubernetes service, or
/// cross-model offer) of the end that listens, typed and ported from <see cref="KnownServices"/> — or one
/// note saying why not. Peer relations are not counted.
/// </summary>
public sealed class JujuStatus(JsonElement status, GeneratedConfig config)
{
    private JujuModel model = null!;

    public void Generate()
    {
        model = JujuModel.Read(status, config.Note);
        foreach (var zone in model.Zones)
        {
            config.Zone(zone);
        }

        int checkedCount = 0, noted = 0;
        foreach (var relation in model.Relations)
        {
            var before = config.Checks.Count;
            var iface = relation.Interface is null ? "" : $" ({relation.Interface})";
            if (Relate(relation) is { } reason)
            {
                config.Note($"relation {relation}{iface}: {reason}");
                noted++;
            }
            else if (config.Checks.Count > before)
            {
                checkedCount++;
            }
            else
            {
                config.Note($"relation {relation}{iface}: its checks are the same as an earlier relation's");
                noted++;
            }
        }

        config.Summary = $"{model.Relations.Count} relations: {checkedCount} checks, {noted} notes";
    }

    /// <summary>Adds the relation's checks; returns why there are none instead.</summary>
    private string? Relate(JujuRelation relation)
    {
        var a = model.Apps[relation.A.App];
        if (!model.Apps.TryGetValue(relation.B.App, out var b))
        {
            var consumer = relation.A.Endpoint is { } offered && a.Roles.ContainsKey(offered) ? $"a consumer of the offer of {relation.A}" : "a consumer of one of this model's offers?";
            return $"{relation.B.App} is not in this status ({consumer}): check from its own model";
        }

        if (relation.Scope == "container" || (relation.Scope is null && (a.SubordinateTo.Contains(b.Name) || b.SubordinateTo.Contains(a.Name))))
        {
            var (sub, principal) = a.SubordinateTo.Contains(b.Name) ? (a, b) : (b, a);
            return $"container-scoped ({sub.Name} runs on {principal.Name}'s units): no network path";
        }

        var known = KnownServices.Interface(relation.Interface);
        if (known is null && relation.Interface is null)
        {
            known = KnownServices.InterfaceOfEndpoint(relation.A.Endpoint) ?? KnownServices.InterfaceOfEndpoint(relation.B.Endpoint)
                ?? KnownServices.Interface(KnownServices.Charm(b.Charm)?.Interface) ?? KnownServices.Interface(KnownServices.Charm(a.Charm)?.Interface);
        }

        if (known?.Traffic == RelationTraffic.DataOnly)
        {
            return $"{known.Name} exchanges relation data only: no network path";
        }

        var (provider, requirer, why) = Provider(relation, a, b, known);
        if (provider is null || requirer is null)
        {
            return why;
        }

        // Ingress: the proxy (provider) connects to the application.
        var (connector, listener) = known?.Traffic == RelationTraffic.ToRequirer ? (provider, requirer) : (requirer, provider);
        if (connector.Remote)
        {
            return $"{connector.Name} connects from another model ({connector.OfferUrl}): check from there";
        }

        var zones = connector.Units.Select(u => u.Zone).Distinct().Order(StringComparer.Ordinal).ToList();
        if (zones.Count == 0)
        {
            return $"{connector.Name} has no units: no zone to check from";
        }

        var label = known?.Name ?? relation.Interface ?? relation.A.Endpoint ?? "relation";
        var targets = Targets(listener, known, out var reason);
        foreach (var (name, host, port) in targets)
        {
            foreach (var zone in zones)
            {
                config.Zone(zone);
                AddCheck(known?.Type ?? "tcp", zone, host, port, connector.Name, listener.Name, $"{connector.Name} -> {name} ({label})");
            }
        }

        return targets.Count > 0 ? null : reason;
    }

    /// <summary>Which end provides the interface: the roles the status gives, the table, the opened ports, the endpoint names.</summary>
    private static (JujuApp? Provider, JujuApp? Requirer, string Why) Provider(JujuRelation relation, JujuApp a, JujuApp b, KnownInterface? known)
    {
        (JujuApp?, JujuApp?, string) Pick(bool aProvides) => aProvides ? (a, b, "") : (b, a, "");

        var roleA = relation.A.Endpoint is { } ea && a.Roles.TryGetValue(ea, out var ra) ? ra.Role : null;
        var roleB = relation.B.Endpoint is { } eb && b.Roles.TryGetValue(eb, out var rb) ? rb.Role : null;
        if (roleA is "provider" || roleB is "requirer")
        {
            return Pick(true);
        }

        if (roleA is "requirer" || roleB is "provider")
        {
            return Pick(false);
        }

        if (known is not null)
        {
            bool Provides(JujuApp app) => KnownServices.Is(app.Charm, known.Providers) || (known.Requirers.Length > 0 && !KnownServices.Is(app.Charm, known.Requirers));
            if (Provides(a) != Provides(b))
            {
                return Pick(Provides(a));
            }
        }

        bool Opens(JujuApp app, int? port) => app.Units.Any(u => port is { } p ? u.TcpPorts.Contains(p) : u.TcpPorts.Count > 0);
        if (known?.Port is { } knownPort && Opens(a, knownPort) != Opens(b, knownPort))
        {
            return Pick(Opens(a, knownPort));
        }

        if (Opens(a, null) != Opens(b, null))
        {
            return Pick(Opens(a, null));
        }

        bool Named(JujuApp app, string? endpoint) => Opens(app, null) && endpoint is not null && ProviderEndpoints.Contains(endpoint);
        if (Named(a, relation.A.Endpoint) != Named(b, relation.B.Endpoint))
        {
            return Pick(Named(a, relation.A.Endpoint));
        }

        var ports = Opens(a, null) ? "both ends open ports" : a.Units.Count + b.Units.Count == 0 ? "no units on either end" : "neither end opens a port";
        var charms = known is null ? "the interface is not in the table of known ones" : $"neither charm ({a.Charm}, {b.Charm}) is known to provide {known.Name}";
        return (null, null, $"cannot tell which end provides it: no roles in the status, {charms}, and {ports}; skipped");
    }

    private static readonly HashSet<string> ProviderEndpoints = new(StringComparer.Ordinal)
    {
        "website", "db", "database", "db-admin", "shared-db", "amqp", "cache", "redis", "mongodb", "memcache",
    };

    /// <summary>Where the listener is reached: each unit, the Kubernetes service, or the offer's address (a variable).</summary>
    private List<(string Name, string Host, int Port)> Targets(JujuApp listener, KnownInterface? known, out string reason)
    {
        var charmPort = KnownServices.Charm(listener.Charm)?.Port;
        var knownPort = known?.Port ?? charmPort;
        var portless = $"no port: {listener.Name}'s units open none and {(known is null ? "the interface" : $"{known.Name} on {listener.Charm ?? "its charm"}")} has no known port";
        if (listener.Remote)
        {
            reason = $"no port: {listener.Name} is in another model ({listener.OfferUrl}) and {(known is null ? "the interface is not in the table of known ones" : $"{known.Name} has no known port")}";
            return knownPort is not { } remotePort ? [] :
                [(listener.Name, config.Secret(listener.Name + "_HOST", $"address of {listener.OfferUrl}, offered by another model"), remotePort)];
        }

        if (listener.ServiceAddress is { } service)
        {
            var open = listener.Units.SelectMany(u => u.TcpPorts).Distinct().ToList();
            var port = known?.Port is { } k && (open.Count == 0 || open.Contains(k)) ? k : open.Count > 0 ? open[0] : charmPort;
            reason = portless;
            return port is { } p ? [(listener.Name, service, p)] : [];
        }

        reason = listener.Units.Count == 0 ? $"{listener.Name} has no units" : $"{listener.Name}'s units have no address";
        var targets = new List<(string, string, int)>();
        foreach (var unit in listener.Units.Where(u => u.Address is not null))
        {
            IEnumerable<int> ports = known?.Port is { } k && (unit.TcpPorts.Count == 0 || unit.TcpPorts.Contains(k)) ? [k]
                : unit.TcpPorts.Count > 0 ? unit.TcpPorts : charmPort is { } c ? [c] : [];
            targets.AddRange(ports.Select(p => (unit.Name, unit.Address!, p)));
            reason = portless;
        }

        return targets;
    }

    private void AddCheck(string type, string zone, string host, int port, string requirer, string provider, string name)
    {
        var tags = new[] { requirer, provider };
        var prefix = $"{requirer}_{provider}";
        var source = $"relation {requirer} - {provider}";
        string Secret(string what, string suffix) => config.Secret(prefix + suffix, $"{what} {requirer} uses on {provider}");
        switch (type)
        {
            case "postgres":
                config.Add(source, "postgres", ("name", name), ("from", zone), ("host", host), ("port", port), ("username", Secret("user name", "_USER")),
                    ("password", Secret("password", "_PASSWORD")), ("database", Secret("database", "_DATABASE")), ("tags", tags));
                break;
            case "mysql":
                config.Add(source, "mysql", ("name", name), ("from", zone), ("host", host), ("port", port), ("username", Secret("user name", "_USER")),
                    ("password", Secret("password", "_PASSWORD")), ("tags", tags));
                break;
            case "amqp":
                config.Add(source, "amqp", ("name", name), ("from", zone), ("host", host), ("port", port), ("username", Secret("user name", "_USER")),
                    ("password", Secret("password", "_PASSWORD")), ("vhost", Secret("vhost", "_VHOST")), ("use_tls", port == 5671), ("tags", tags));
                break;
            case "http":
                var scheme = port == 443 ? "https" : "http";
                var authority = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
                config.Add(source, "http", ("name", name), ("from", zone), ("url", string.Create(CultureInfo.InvariantCulture, $"{scheme}://{authority}:{port}/")), ("tags", tags));
                break;
            default:
                config.Add(source, type, ("name", name), ("from", zone), ("host", host), ("port", port), ("tags", tags));
                break;
        }
    }
}
