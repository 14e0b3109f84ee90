using System.Text.RegularExpressions;

namespace ConnCheck.Tests.Generate;

/// <summary>
/// conn-check config juju on statuses in the shapes of real deployments (Corpus/generate/juju-*): OpenStack
/// on Juju 3.4 (YAML) and 2.9 (JSON) with subordinates, routers and availability zones; COS-lite on
/// Kubernetes; a model whose dependencies are cross-model. Each asserts the checks, by relation.
/// </summary>
public sealed partial class JujuRealShapesTests
{
    private static readonly string[] RabbitRequirers = ["cinder", "glance", "neutron-api", "neutron-openvswitch", "nova-cloud-controller", "nova-compute"];

    private static readonly string[] Routers =
        ["keystone-mysql-router", "glance-mysql-router", "placement-mysql-router", "neutron-mysql-router", "nova-cloud-controller-mysql-router", "cinder-mysql-router"];

    [Fact]
    public async Task OpenStack_on_juju_3_yaml_checks_apis_by_the_table_routers_from_their_principal_and_each_amqp_requirer_with_its_own_user()
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture("juju-openstack-3.4.yaml"));

        Assert.Equal(["zone1", "zone2", "zone3"], generated.Zones);
        Assert.Contains("32 relations: 24 checks, 8 notes", generated.Run.Stderr);
        string[] cluster = ["mysql-innodb-cluster/0 (mysql-router) mysql 10.5.0.101:3306", "mysql-innodb-cluster/1 (mysql-router) mysql 10.5.0.110:3306", "mysql-innodb-cluster/2 (mysql-router) mysql 10.5.0.120:3306"];
        string[] expected =
        [
            // identity-service: both ends open ports; keystone is the charm known to provide 'keystone'.
            "zone3 cinder -> keystone/0 (keystone) tcp 10.5.0.100:5000",
            "zone1 glance -> keystone/0 (keystone) tcp 10.5.0.100:5000",
            "zone2 neutron-api -> keystone/0 (keystone) tcp 10.5.0.100:5000",
            "zone3 nova-cloud-controller -> keystone/0 (keystone) tcp 10.5.0.100:5000",
            "zone2 placement -> keystone/0 (keystone) tcp 10.5.0.100:5000",

            // image-service, placement, neutron-api, memcache.
            "zone3 cinder -> glance/0 (glance) tcp 10.5.0.103:9292",
            "zone3 nova-cloud-controller -> glance/0 (glance) tcp 10.5.0.103:9292",
            "zone2 nova-compute -> glance/0 (glance) tcp 10.5.0.103:9292",
            "zone3 nova-compute -> glance/0 (glance) tcp 10.5.0.103:9292",
            "zone3 nova-cloud-controller -> placement/0 (placement) tcp 10.5.0.111:8778",
            "zone3 nova-cloud-controller -> neutron-api/0 (neutron-api) tcp 10.5.0.112:9696",
            "zone3 nova-cloud-controller -> memcached/0 (memcache) memcache 10.5.0.122:11211",

            // cloud-compute: an interface not in the table; only nova-cloud-controller opens ports.
            "zone2 nova-compute -> nova-cloud-controller/0 (nova-compute) tcp 10.5.0.121:8774",
            "zone3 nova-compute -> nova-cloud-controller/0 (nova-compute) tcp 10.5.0.121:8774",
            "zone2 nova-compute -> nova-cloud-controller/0 (nova-compute) tcp 10.5.0.121:8775",
            "zone3 nova-compute -> nova-cloud-controller/0 (nova-compute) tcp 10.5.0.121:8775",

            // amqp: six requirers, neutron-openvswitch (a subordinate) from nova-compute's zones.
            "zone1 glance -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone2 neutron-api -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone3 nova-cloud-controller -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone2 nova-compute -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone3 nova-compute -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone2 neutron-openvswitch -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone3 neutron-openvswitch -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",
            "zone3 cinder -> rabbitmq-server/0 (rabbitmq) amqp 10.5.0.102:5672",

            // db-router: each subordinate router, from its principal's zone, to every cluster unit on 3306 (none opened).
            .. cluster.Select(c => "zone1 keystone-mysql-router -> " + c),
            .. cluster.Select(c => "zone1 glance-mysql-router -> " + c),
            .. cluster.Select(c => "zone2 placement-mysql-router -> " + c),
            .. cluster.Select(c => "zone2 neutron-mysql-router -> " + c),
            .. cluster.Select(c => "zone3 nova-cloud-controller-mysql-router -> " + c),
            .. cluster.Select(c => "zone3 cinder-mysql-router -> " + c),
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), generated.Checks.Select(Line).Order(StringComparer.Ordinal));

        foreach (var requirer in RabbitRequirers)
        {
            var variable = requirer.ToUpperInvariant().Replace('-', '_') + "_RABBITMQ_SERVER";
            Assert.All(generated.Checks.Where(c => c["name"].StartsWith(requirer + " -> rabbitmq", StringComparison.Ordinal)), c =>
                Assert.Equal(($"${{{variable}_USER}}", $"${{{variable}_PASSWORD}}", $"${{{variable}_VHOST}}", $"{requirer},rabbitmq-server"), (c["username"], c["password"], c["vhost"], c["tags"])));
            Assert.Contains(variable + "_USER", generated.Variables);
        }

        foreach (var router in Routers)
        {
            var principal = router.Replace("-mysql-router", "", StringComparison.Ordinal).Replace("neutron", "neutron-api", StringComparison.Ordinal);
            Assert.Contains($"relation {principal}:shared-db - {router}:shared-db (mysql-shared): container-scoped ({router} runs on {principal}'s units): no network path", generated.Notes);
        }

        Assert.Contains("relation nova-compute:neutron-plugin - neutron-openvswitch:neutron-plugin (neutron-plugin): container-scoped (neutron-openvswitch runs on nova-compute's units): no network path", generated.Notes);
        Assert.Contains("relation neutron-api:neutron-plugin-api - neutron-openvswitch:neutron-plugin-api (neutron-plugin-api): neutron-plugin-api exchanges relation data only: no network path", generated.Notes);
        var planned = await generated.AssertRunnableAsync(42, " from zones zone1, zone2, zone3");
        Assert.Contains("zone2/simulated: neutron-openvswitch -> rabbitmq-server/0 (rabbitmq) -> tcp 10.5.0.102:5672", planned);
    }

    [Fact]
    public async Task OpenStack_on_juju_2_9_reads_interfaces_from_endpoint_names_and_subordinates_from_plain_relation_lists()
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture("juju-openstack-2.9.json"));

        Assert.Equal(["az1", "az2"], generated.Zones);
        Assert.Contains("10 relations: 7 checks, 3 notes", generated.Run.Stderr);
        Assert.Equal(
            [
                "az1 keystone -> percona-cluster/0 (mysql-shared) mysql 10.20.0.131:3306",
                "az1 neutron-openvswitch -> rabbitmq-server/0 (rabbitmq) amqp 10.20.0.122:5672",
                "az1 nova-compute -> glance/0 (glance) tcp 10.20.0.132:9292",
                "az1 nova-compute -> rabbitmq-server/0 (rabbitmq) amqp 10.20.0.122:5672",
                "az2 glance -> keystone/0 (keystone) tcp 10.20.0.121:5000",
                "az2 glance -> percona-cluster/0 (mysql-shared) mysql 10.20.0.131:3306",
                "az2 glance -> rabbitmq-server/0 (rabbitmq) amqp 10.20.0.122:5672",
                "az2 neutron-openvswitch -> rabbitmq-server/0 (rabbitmq) amqp 10.20.0.122:5672",
                "az2 nova-compute -> glance/0 (glance) tcp 10.20.0.132:9292",
                "az2 nova-compute -> rabbitmq-server/0 (rabbitmq) amqp 10.20.0.122:5672",
            ],
            generated.Checks.Select(Line).Order(StringComparer.Ordinal));
        Assert.Equal("${KEYSTONE_PERCONA_CLUSTER_PASSWORD}", generated.Checks.Single(c => c["name"].StartsWith("keystone -> percona", StringComparison.Ordinal))["password"]);
        Assert.Equal("${GLANCE_PERCONA_CLUSTER_PASSWORD}", generated.Checks.Single(c => c["name"].StartsWith("glance -> percona", StringComparison.Ordinal))["password"]);

        // 2.9 gives no scope: a relation between a subordinate and its principal is the container-scoped one.
        Assert.Contains("relation keystone:ha - keystone-hacluster:ha: container-scoped (keystone-hacluster runs on keystone's units): no network path", generated.Notes);
        Assert.Contains("relation nova-compute:juju-info - ntp:juju-info: container-scoped (ntp runs on nova-compute's units): no network path", generated.Notes);
        Assert.Contains("ntp/0: open port 123/udp is not a single tcp port; not checked", generated.Notes);
        await generated.AssertRunnableAsync(10, " from zones az1, az2");
    }

    [Fact]
    public async Task Cos_lite_on_kubernetes_checks_service_addresses_on_the_known_ports_from_a_declared_zone()
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture("juju-cos-lite-3.6.yaml"));

        Assert.Equal(["default"], generated.Zones);
        Assert.Contains("20 relations: 14 checks, 6 notes", generated.Run.Stderr);
        Assert.Equal(
            [
                "default grafana -> alertmanager (grafana_datasource) tcp 10.152.183.61:9093",
                "default grafana -> loki (grafana_datasource) tcp 10.152.183.210:3100",
                "default grafana -> prometheus (grafana_datasource) tcp 10.152.183.115:9090",
                "default loki -> alertmanager (alertmanager_dispatch) tcp 10.152.183.61:9093",
                "default prometheus -> alertmanager (alertmanager_dispatch) tcp 10.152.183.61:9093",
                "default prometheus -> alertmanager (prometheus_scrape) tcp 10.152.183.61:9093",
                "default prometheus -> grafana (prometheus_scrape) tcp 10.152.183.157:3000",
                "default prometheus -> loki (prometheus_scrape) tcp 10.152.183.210:3100",
                "default prometheus -> traefik (prometheus_scrape) tcp 10.152.183.75:8082",

                // Ingress: the proxy connects to the application.
                "default traefik -> alertmanager (ingress) tcp 10.152.183.61:9093",
                "default traefik -> catalogue (ingress) tcp 10.152.183.24:80",
                "default traefik -> grafana (traefik_route) tcp 10.152.183.157:3000",
                "default traefik -> loki (ingress_per_unit) tcp 10.152.183.210:3100",
                "default traefik -> prometheus (ingress_per_unit) tcp 10.152.183.115:9090",
            ],
            generated.Checks.Select(Line).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(generated.Checks, c => c["host"].StartsWith("10.1.42.", StringComparison.Ordinal));
        Assert.Equal(6, generated.Notes.Count(n => n.EndsWith("exchanges relation data only: no network path", StringComparison.Ordinal)));
        Assert.Contains("relation catalogue:catalogue - grafana:catalogue (catalogue): catalogue exchanges relation data only: no network path", generated.Notes);
        await generated.AssertRunnableAsync(14, " from zones default");
    }

    [Fact]
    public async Task Cross_model_offers_become_checks_to_an_address_variable_and_unknown_ends_become_notes()
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture("juju-cross-model-3.5.json"));

        Assert.Contains("8 relations: 4 checks, 4 notes", generated.Run.Stderr);
        Assert.Equal(
            [
                "default grafana-agent -> loki (loki_push_api) tcp ${LOKI_HOST}:3100",
                "default grafana-agent -> prometheus (prometheus_remote_write) tcp ${PROMETHEUS_HOST}:9090",

                // The offers section says slurmdbd provides its endpoint, though both ends open ports.
                "default slurmctld -> slurmdbd/0 (slurmdbd) tcp 10.130.25.13:6819",
                "default slurmdbd -> mysql (mysql_client) mysql ${MYSQL_HOST}:3306",
            ],
            generated.Checks.Select(Line).Order(StringComparer.Ordinal));
        Assert.Equal(["LOKI_HOST", "MYSQL_HOST", "PROMETHEUS_HOST", "SLURMDBD_MYSQL_PASSWORD", "SLURMDBD_MYSQL_USER"], generated.Variables);
        Assert.Contains("  MYSQL_HOST               address of lxd-controller:admin/database.mysql, offered by another model", generated.Run.Stderr);
        Assert.Contains("relation slurmctld:slurmd - slurmd:slurmctld (slurmd): cannot tell which end provides it: no roles in the status, the interface is not in the table of known ones, and both ends open ports; skipped", generated.Notes);
        Assert.Contains("relation slurmdbd:slurmdbd - remote-5b3c9e0f2a1d4c8e9f7a6b5c4d3e2f1a (slurmdbd): remote-5b3c9e0f2a1d4c8e9f7a6b5c4d3e2f1a is not in this status (a consumer of the offer of slurmdbd:slurmdbd): check from its own model", generated.Notes);
        Assert.Contains("relation slurmdbd:shared-storage - nfs-share:nfs-share (nfs-share): no port: nfs-share is in another model (lxd-controller:admin/storage.nfs-share) and the interface is not in the table of known ones", generated.Notes);

        var values = new Dictionary<string, string> { ["MYSQL_HOST"] = "10.130.30.5", ["LOKI_HOST"] = "10.152.183.210", ["PROMETHEUS_HOST"] = "10.152.183.115" };
        var planned = await generated.AssertRunnableAsync(4, " from zones default", values);
        Assert.Contains("default/simulated: slurmdbd -> mysql (mysql_client) -> tcp 10.130.30.5:3306", planned);
    }

    [Theory]
    [InlineData("juju-openstack-3.4.yaml")]
    [InlineData("juju-openstack-2.9.json")]
    [InlineData("juju-cos-lite-3.6.yaml")]
    [InlineData("juju-cross-model-3.5.json")]
    [InlineData("juju-status.json")]
    [InlineData("juju-status-2.9.json")]
    public async Task Every_relation_ends_as_checks_or_one_note(string fixture)
    {
        var generated = await Generated.RunAsync(null, "juju", Generated.Fixture(fixture));

        var summary = Summary().Match(generated.Run.Stderr);
        Assert.True(summary.Success, generated.Run.Stderr);
        var (relations, withChecks, noted) = (int.Parse(summary.Groups[1].Value), int.Parse(summary.Groups[2].Value), int.Parse(summary.Groups[3].Value));
        Assert.Equal(relations, withChecks + noted);
        Assert.Equal(noted, generated.Notes.Count(n => n.StartsWith("relation ", StringComparison.Ordinal)));

        // A check is named 'requirer -> provider[/unit] (interface)': the relations it names are the checked ones.
        Assert.Equal(withChecks, generated.Checks.Select(c => UnitSuffix().Replace(c["name"], "")).Distinct().Count());
    }

    private static string Line(IReadOnlyDictionary<string, string> c) =>
        $"{c["from"]} {c["name"]} {c["type"]} {(c.TryGetValue("url", out var url) ? url : $"{c["host"]}:{c["port"]}")}";

    [GeneratedRegex(@"^(\d+) relations: (\d+) checks, (\d+) notes$", RegexOptions.Multiline)]
    private static partial Regex Summary();

    [GeneratedRegex(@"/\d+(?= \()")]
    private static partial Regex UnitSuffix();
}
