namespace ConnCheck.Coordinator.Generate;

/// <summary>How the two ends of a relation with this interface use the network.</summary>
public enum RelationTraffic
{
    /// <summary>The requirer connects to the provider (a database, a broker, an API).</summary>
    ToProvider,

    /// <summary>The provider connects to the requirer (ingress: the proxy connects to the app).</summary>
    ToRequirer,

    /// <summary>Only relation data is exchanged (dashboards, certificates, catalogue entries): no network path to check.</summary>
    DataOnly,
}

/// <summary>
/// A well-known Juju interface: the check type it calls for, its usual port (null: the provider charm's or
/// its opened ports), and the charms (name prefixes) known to provide or require it.
/// </summary>
public sealed record KnownInterface(string Name, string Type, int? Port, RelationTraffic Traffic, string[] Providers, string[] Requirers);

/// <summary>A well-known charm: the port its main service listens on and the interface it is usually related by.</summary>
public sealed record KnownCharm(string Name, int Port, string Interface);

/// <summary>
/// The table of interfaces and charms conn-check config juju knows (documented in the README): which end
/// listens, on which port, checked how. Charm names match by prefix after dropping <c>-k8s</c>, <c>-operator</c>.
/// </summary>
public static class KnownServices
{
    private static readonly string[] None = [];

    public static readonly IReadOnlyList<KnownInterface> Interfaces =
    [
        Net("pgsql", "postgres", 5432, ["postgresql", "pgbouncer"]),
        Net("postgresql_client", "postgres", 5432, ["postgresql", "pgbouncer"]),
        Net("mysql", "mysql", 3306, ["mysql", "percona-cluster", "mariadb"]),
        Net("mysql_client", "mysql", 3306, ["mysql", "mysql-router", "percona-cluster", "mariadb"]),
        Net("mysql-shared", "mysql", 3306, ["mysql-router", "percona-cluster", "mysql"]),
        Net("mysql-router", "mysql", 3306, ["mysql-innodb-cluster"]),
        Net("mongodb", "mongodb", 27017, ["mongodb"]),
        Net("mongodb_client", "mongodb", 27017, ["mongodb"]),
        Net("redis", "redis", 6379, ["redis"]),
        Net("memcache", "memcache", 11211, ["memcached"]),
        Net("rabbitmq", "amqp", 5672, ["rabbitmq-server", "rabbitmq"]),
        Net("amqp", "amqp", 5672, ["rabbitmq-server", "rabbitmq"]),
        Net("keystone", "tcp", 5000, ["keystone"]),
        Net("keystone-credentials", "tcp", 5000, ["keystone"]),
        Net("glance", "tcp", 9292, ["glance"]),
        Net("placement", "tcp", 8778, ["placement"]),
        Net("neutron-api", "tcp", 9696, ["neutron-api"]),
        Net("cinder", "tcp", 8776, ["cinder"]),
        Net("ceph-client", "tcp", 6789, ["ceph-mon"]),
        Net("ceph-osd", "tcp", 6789, ["ceph-mon"]),
        Net("ceph-radosgw", "tcp", 6789, ["ceph-mon"]),
        Net("ovsdb", "tcp", 6642, ["ovn-central"]),
        Net("ovsdb-cms", "tcp", 6641, ["ovn-central"]),
        Net("vault-kv", "tcp", 8200, ["vault"]),
        Net("etcd", "tcp", 2379, ["etcd"]),
        Net("kafka_client", "tcp", 9092, ["kafka"]),
        Net("zookeeper", "tcp", 2181, ["zookeeper"]),
        Net("elasticsearch", "tcp", 9200, ["elasticsearch"]),
        Net("opensearch_client", "tcp", 9200, ["opensearch"]),
        Net("influxdb-api", "tcp", 8086, ["influxdb"]),
        Net("alertmanager_dispatch", "tcp", 9093, ["alertmanager"]),
        Net("loki_push_api", "tcp", 3100, ["loki"]),
        Net("prometheus_remote_write", "tcp", 9090, ["prometheus"]),
        new("prometheus_scrape", "tcp", null, RelationTraffic.ToProvider, None, ["prometheus", "grafana-agent", "opentelemetry-collector"]),
        new("grafana_datasource", "tcp", null, RelationTraffic.ToProvider, None, ["grafana"]),
        new("http", "http", null, RelationTraffic.ToProvider, None, None),
        new("ingress", "tcp", null, RelationTraffic.ToRequirer, ["traefik", "nginx-ingress-integrator"], None),
        new("ingress_per_unit", "tcp", null, RelationTraffic.ToRequirer, ["traefik"], None),
        new("traefik_route", "tcp", null, RelationTraffic.ToRequirer, ["traefik"], None),
        Data("grafana_dashboard"),
        Data("catalogue"),
        Data("tls-certificates"),
        Data("certificates"),
        Data("juju-info"),
        Data("nrpe-external-master"),
        Data("hacluster"),
        Data("grafana_auth"),
        Data("neutron-plugin-api"),
        Data("neutron-plugin"),
    ];

    public static readonly IReadOnlyList<KnownCharm> Charms =
    [
        new("postgresql", 5432, "pgsql"),
        new("pgbouncer", 6432, "pgsql"),
        new("mysql-innodb-cluster", 3306, "mysql-router"),
        new("mysql-router", 3306, "mysql-shared"),
        new("mysql", 3306, "mysql"),
        new("percona-cluster", 3306, "mysql-shared"),
        new("mariadb", 3306, "mysql"),
        new("mongodb", 27017, "mongodb"),
        new("redis", 6379, "redis"),
        new("memcached", 11211, "memcache"),
        new("rabbitmq-server", 5672, "rabbitmq"),
        new("keystone", 5000, "keystone"),
        new("glance", 9292, "glance"),
        new("placement", 8778, "placement"),
        new("neutron-api", 9696, "neutron-api"),
        new("nova-cloud-controller", 8774, "nova-compute"),
        new("cinder", 8776, "cinder"),
        new("ceph-mon", 6789, "ceph-client"),
        new("ovn-central", 6642, "ovsdb"),
        new("vault", 8200, "vault-kv"),
        new("etcd", 2379, "etcd"),
        new("kafka", 9092, "kafka_client"),
        new("zookeeper", 2181, "zookeeper"),
        new("elasticsearch", 9200, "elasticsearch"),
        new("opensearch", 9200, "opensearch_client"),
        new("influxdb", 8086, "influxdb-api"),
        new("prometheus", 9090, "prometheus_remote_write"),
        new("alertmanager", 9093, "alertmanager_dispatch"),
        new("loki", 3100, "loki_push_api"),
        new("grafana", 3000, "grafana_datasource"),
        new("traefik", 8082, "ingress"),
        new("catalogue", 80, "catalogue"),
    ];

    // Juju 2.9 status names no interface: these endpoint names say which one it is.
    private static readonly Dictionary<string, string> EndpointInterfaces = new(StringComparer.Ordinal)
    {
        ["shared-db"] = "mysql-shared", ["db-router"] = "mysql-router", ["identity-service"] = "keystone",
        ["identity-credentials"] = "keystone-credentials", ["image-service"] = "glance", ["placement"] = "placement",
        ["neutron-api"] = "neutron-api", ["amqp"] = "rabbitmq", ["cache"] = "memcache", ["memcache"] = "memcache",
        ["ceph"] = "ceph-client", ["mon"] = "ceph-osd", ["certificates"] = "tls-certificates", ["ovsdb"] = "ovsdb",
        ["ovsdb-cms"] = "ovsdb-cms", ["redis"] = "redis", ["mongodb"] = "mongodb", ["pgsql"] = "pgsql",
        ["metrics-endpoint"] = "prometheus_scrape", ["grafana-dashboard"] = "grafana_dashboard", ["ha"] = "hacluster",
        ["juju-info"] = "juju-info", ["nrpe-external-master"] = "nrpe-external-master", ["secrets-storage"] = "vault-kv",
    };

    private static readonly Dictionary<string, KnownInterface> ByName = Interfaces.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);

    public static KnownInterface? Interface(string? name) => name is not null && ByName.TryGetValue(name, out var known) ? known : null;

    public static KnownInterface? InterfaceOfEndpoint(string? endpoint) =>
        endpoint is not null && EndpointInterfaces.TryGetValue(endpoint, out var name) ? Interface(name) : Interface(endpoint);

    /// <summary>The charm entry for a charm name (postgresql-k8s, ch:rabbitmq-server, cs:~x/redis-9); longest prefix wins.</summary>
    public static KnownCharm? Charm(string? charm)
    {
        var name = BaseName(charm);
        return name is null ? null : Charms.Where(c => name.StartsWith(c.Name, StringComparison.Ordinal)).MaxBy(c => c.Name.Length);
    }

    /// <summary>
    /// Whether <paramref name="charm"/> is one of <paramref name="prefixes"/>: the longest prefix it has among
    /// those and the charm table's names is one of them (mysql-router is not mysql).
    /// </summary>
    public static bool Is(string? charm, IReadOnlyCollection<string> prefixes) =>
        BaseName(charm) is { } name
        && prefixes.Concat(Charms.Select(c => c.Name)).Where(p => name.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length) is { } longest
        && prefixes.Contains(longest);

    private static string? BaseName(string? charm)
    {
        if (charm is null)
        {
            return null;
        }

        // cs:~owner/name-12, ch:amd64/jammy/name-3, local:name: keep the name.
        var name = charm[(charm.IndexOf(':', StringComparison.Ordinal) + 1)..];
        name = name[(name.LastIndexOf('/') + 1)..].ToLowerInvariant();
        foreach (var suffix in new[] { "-k8s", "-operator" })
        {
            name = name.Replace(suffix, "", StringComparison.Ordinal);
        }

        return name;
    }

    private static KnownInterface Net(string name, string type, int port, string[] providers) =>
        new(name, type, port, RelationTraffic.ToProvider, providers, None);

    private static KnownInterface Data(string name) => new(name, "tcp", null, RelationTraffic.DataOnly, None, None);
}
