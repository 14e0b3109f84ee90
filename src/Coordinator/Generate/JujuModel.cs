using System.Globalization;
using System.Text.Json;

namespace ConnCheck.Coordinator.Generate;

/// <summary>A unit (or a subordinate's unit, which lives on its principal's machine) and where it runs.</summary>
public sealed record JujuUnit(string Name, string Zone, string? Address, IReadOnlyList<int> TcpPorts);

/// <summary>One end of a relation: an application's endpoint (null when the status does not say which).</summary>
public sealed record JujuEnd(string App, string? Endpoint)
{
    public override string ToString() => Endpoint is null ? App : $"{App}:{Endpoint}";
}

/// <summary>A relation between two applications, listed once; <see cref="Scope"/> is null when the status (2.9) does not say.</summary>
public sealed record JujuRelation(JujuEnd A, JujuEnd B, string? Interface, string? Scope)
{
    public override string ToString() => $"{A} - {B}";
}

/// <summary>
/// An application of the model, or a remote one (cross-model relation: <see cref="OfferUrl"/> set, no units).
/// <see cref="ServiceAddress"/> is a Kubernetes application's service address; <see cref="Roles"/> the
/// endpoint roles (provider/requirer) the status gives for offers and remote applications.
/// </summary>
public sealed record JujuApp(
    string Name, string? Charm, IReadOnlyList<JujuUnit> Units, string? ServiceAddress, IReadOnlyList<string> SubordinateTo,
    string? OfferUrl, IReadOnlyDictionary<string, (string? Interface, string? Role)> Roles)
{
    public bool Remote => OfferUrl is not null;
}

/// <summary>Reads <c>juju status --format=json|yaml</c> (2.9 and 3.x) into applications, units and relations.</summary>
public sealed class JujuModel
{
    public const string DefaultZone = "default";

    private JujuModel(Dictionary<string, JujuApp> apps, List<JujuRelation> relations, IReadOnlySet<string> zones, bool kubernetes)
    {
        Apps = apps;
        Relations = relations;
        Zones = zones;
        Kubernetes = kubernetes;
    }

    public IReadOnlyDictionary<string, JujuApp> Apps { get; }

    public IReadOnlyList<JujuRelation> Relations { get; }

    /// <summary>The machines' availability zones (none on Kubernetes).</summary>
    public IReadOnlySet<string> Zones { get; }

    public bool Kubernetes { get; }

    /// <summary>Reads the status; open ports that are not one tcp port are reported through <paramref name="note"/>.</summary>
    public static JujuModel Read(JsonElement status, Action<string> note)
    {
        if (status.Get("applications") is not { ValueKind: JsonValueKind.Object } applications)
        {
            throw new GenerateException("no 'applications' in the status: expected the output of 'juju status --format=json' (or yaml)");
        }

        var machineZones = MachineZones(status);
        var subordinateUnits = new Dictionary<string, List<JujuUnit>>(StringComparer.Ordinal);
        var apps = new Dictionary<string, JujuApp>(StringComparer.Ordinal);
        var halves = new List<Half>();
        var offerRoles = OfferRoles(status);
        foreach (var (name, app) in ((JsonElement?)applications).Members())
        {
            var units = new List<JujuUnit>();
            foreach (var (unitName, unit) in app.Get("units").Members())
            {
                var machine = unit.Text("machine");
                var zone = machine is not null && machineZones.TryGetValue(machine, out var z) ? z : DefaultZone;
                var address = unit.Text("public-address") ?? unit.Text("address");
                units.Add(new JujuUnit(unitName, zone, address, Ports(unitName, unit, note)));
                foreach (var (subName, sub) in unit.Get("subordinates").Members())
                {
                    var subApp = subName.Split('/')[0];
                    subordinateUnits.TryAdd(subApp, []);
                    subordinateUnits[subApp].Add(new JujuUnit(subName, zone, sub.Text("public-address") ?? sub.Text("address") ?? address, Ports(subName, sub, note)));
                }
            }

            var charm = app.Text("charm-name") ?? app.Text("charm");
            apps[name] = new JujuApp(name, charm, units, app.Text("address"), app.Get("subordinate-to").Strings(','), null,
                offerRoles.GetValueOrDefault(name) ?? new Dictionary<string, (string?, string?)>());
            halves.AddRange(Halves(name, app.Get("relations")));
        }

        foreach (var (name, units) in subordinateUnits)
        {
            if (apps.TryGetValue(name, out var app) && app.Units.Count == 0)
            {
                apps[name] = app with { Units = units.DistinctBy(u => u.Name).ToList() };
            }
        }

        foreach (var (name, remote) in (status.Get("application-endpoints") ?? status.Get("remote-applications")).Members())
        {
            var roles = remote.Get("endpoints").Members().ToDictionary(e => e.Name, e => (e.Value.Text("interface"), e.Value.Text("role")), StringComparer.Ordinal);
            apps.TryAdd(name, new JujuApp(name, remote.Text("charm"), [], null, [], remote.Text("url") ?? remote.Text("offer-url") ?? name, roles));
            halves.AddRange(Halves(name, remote.Get("relations")));
        }

        var kubernetes = status.Get("model")?.Text("type") is "caas" || apps.Values.Any(a => a.ServiceAddress is not null);
        return new JujuModel(apps, Pair(halves), machineZones.Values.ToHashSet(StringComparer.Ordinal), kubernetes);
    }

    private sealed record Half(string App, string Endpoint, string Other, string? Interface, string? Scope);

    // Juju 3 lists {related-application, interface, scope} per endpoint; Juju 2.9 (and remote applications) just the names.
    private static IEnumerable<Half> Halves(string app, JsonElement? relations)
    {
        foreach (var (endpoint, related) in relations.Members())
        {
            if (related.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            foreach (var item in related.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } name)
                {
                    yield return new Half(app, endpoint, name, null, null);
                }
                else if (item.Text("related-application") is { } other)
                {
                    yield return new Half(app, endpoint, other, item.Text("interface"), item.Text("scope"));
                }
            }
        }
    }

    // Each relation is listed by both ends: pair them (same interface when known, same endpoint name first).
    private static List<JujuRelation> Pair(List<Half> halves)
    {
        var relations = new List<JujuRelation>();
        var used = new HashSet<Half>();
        foreach (var half in halves.Where(h => h.App != h.Other))
        {
            if (!used.Add(half))
            {
                continue;
            }

            var match = halves
                .Where(h => !used.Contains(h) && h.App == half.Other && h.Other == half.App && (h.Interface is null || half.Interface is null || h.Interface == half.Interface))
                .OrderBy(h => h.Endpoint == half.Endpoint ? 0 : 1)
                .FirstOrDefault();
            if (match is not null)
            {
                used.Add(match);
            }

            relations.Add(new JujuRelation(new JujuEnd(half.App, half.Endpoint), new JujuEnd(half.Other, match?.Endpoint),
                half.Interface ?? match?.Interface, half.Scope ?? match?.Scope));
        }

        return relations;
    }

    private static Dictionary<string, Dictionary<string, (string?, string?)>> OfferRoles(JsonElement status)
    {
        var roles = new Dictionary<string, Dictionary<string, (string?, string?)>>(StringComparer.Ordinal);
        foreach (var (offer, value) in status.Get("offers").Members())
        {
            var app = value.Text("application") ?? offer;
            roles.TryAdd(app, new Dictionary<string, (string?, string?)>(StringComparer.Ordinal));
            foreach (var (endpoint, info) in value.Get("endpoints").Members())
            {
                roles[app][endpoint] = (info.Text("interface"), info.Text("role"));
            }
        }

        return roles;
    }

    private static List<int> Ports(string unitName, JsonElement unit, Action<string> note)
    {
        var ports = new List<int>();
        foreach (var port in unit.Get("open-ports").Strings(','))
        {
            if (port.EndsWith("/tcp", StringComparison.OrdinalIgnoreCase) && int.TryParse(port[..^4], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                ports.Add(number);
            }
            else
            {
                note($"{unitName}: open port {port} is not a single tcp port; not checked");
            }
        }

        return ports;
    }

    private static Dictionary<string, string> MachineZones(JsonElement status)
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
}
