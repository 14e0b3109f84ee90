using System.Net;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Firewall;
using ConnCheck.Coordinator.Running;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>export-fw's planning and merging, and convert-fw's exact output per type (no namespaces).</summary>
public sealed class FirewallRuleTests
{
    private static readonly EgressRule[] Sample =
    [
        new("10.1.0.11", "10.9.0.10", [6379, 5432], "tcp", "web"),
        new("10.1.0.11", "10.9.0.10", [5432, 7001], "tcp", "web"),
        new("10.1.0.11", "10.9.0.10", [7004], "udp", "web"),
        new("10.1.0.12", "10.9.0.10", [5432], "tcp", "web"),
        new("10.2.0.11", "db.example", [5432], "tcp", "batch"),
    ];

    [Fact]
    public void Merge_joins_rules_with_the_same_source_destination_and_protocol_and_unions_their_ports()
    {
        var merged = EgressRule.Merge(Sample);

        Assert.Equal(
            [
                "batch 10.2.0.11 -> db.example tcp 5432",
                "web 10.1.0.11 -> 10.9.0.10 tcp 5432,6379,7001",
                "web 10.1.0.11 -> 10.9.0.10 udp 7004",
                "web 10.1.0.12 -> 10.9.0.10 tcp 5432",
            ],
            merged.Select(r => $"{r.FromZone} {r.FromHost} -> {r.ToHost} {r.Protocol} {string.Join(',', r.Ports)}"));
    }

    [Fact]
    public async Task Planner_takes_sources_from_the_live_agents_of_each_zone_and_this_host_for_local_and_skips_reachable_false()
    {
        var config = new ConfigLoader(CheckTypes.Default, EnvInterpolation.FromProcess).Load("""
            - type: postgres
              from: [web, batch]
              host: 10.9.0.10
              port: 5432
              username: app
              password: not-in-the-rules
              database: app
            - type: tcp
              from: web
              on: any
              host: 10.9.0.10
              port: 7001
            - type: tcp
              from: web
              host: 10.9.0.10
              port: 7002
              reachable: false
            - type: udp
              host: 10.9.0.10
              port: 7004
              send: a
              expect: b
            - type: tcp
              from: db
              host: 10.9.0.10
              port: 7001
            - type: http
              from: web
              url: http://10.9.0.20:8080/health
            """, "test.yaml");
        var live = new Dictionary<string, IReadOnlyList<AgentInfo>>
        {
            ["web"] = [new("web-1", "web", "akka.tcp://conn-check@10.1.0.11:4550"), new("web-2", "web", "akka.tcp://conn-check@10.1.0.12:4550")],
            ["batch"] = [new("batch-1", "batch", "akka.tcp://conn-check@10.2.0.11:4550")],
        };

        var plan = await EgressPlanner.PlanAsync(config.Checks, live, (_, _) => Task.FromResult("10.8.0.10"), zone => $"zone {zone} is empty");
        var yaml = EgressYaml.Write(plan.Rules, []);

        Assert.Equal("""
            egress:
            - from_host: 10.2.0.11
              from_zone: batch
              ports: [5432]
              protocol: tcp
              to_host: 10.9.0.10
            - from_host: 10.8.0.10
              from_zone: local
              ports: [7004]
              protocol: udp
              to_host: 10.9.0.10
            - from_host: 10.1.0.11
              from_zone: web
              ports: [5432, 7001]
              protocol: tcp
              to_host: 10.9.0.10
            - from_host: 10.1.0.11
              from_zone: web
              ports: [8080]
              protocol: tcp
              to_host: 10.9.0.20
            - from_host: 10.1.0.12
              from_zone: web
              ports: [5432, 7001]
              protocol: tcp
              to_host: 10.9.0.10
            - from_host: 10.1.0.12
              from_zone: web
              ports: [8080]
              protocol: tcp
              to_host: 10.9.0.20

            """.Replace("\r", ""), yaml);
        Assert.Equal([new UncoveredZone("db", 1, "zone db is empty")], plan.Uncovered);
        Assert.DoesNotContain("not-in-the-rules", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Written_rules_read_back_and_the_originals_files_without_from_zone_read_too()
    {
        using var file = new TempConfig(EgressYaml.Write(EgressRule.Merge(Sample), ["a comment"]));
        Assert.Equal(EgressRule.Merge(Sample).Select(Describe), EgressYaml.Read(file.Path).Select(Describe));

        using var original = new TempConfig("""
            egress:
            - from_host: mydevmachine
              ports: [80, 443]
              protocol: tcp
              to_host: login.ubuntu.com
            """);
        Assert.Equal(["mydevmachine -> login.ubuntu.com tcp 80,443 zone="], EgressYaml.Read(original.Path).Select(Describe));
    }

    [Theory]
    [InlineData("iptables", new[]
    {
        "iptables -A OUTPUT -s 10.2.0.11 -d db.example -p tcp --dport 5432 -j ACCEPT",
        "iptables -A OUTPUT -s 10.1.0.11 -d 10.9.0.10 -p tcp --dport 5432 -j ACCEPT",
        "iptables -A OUTPUT -s 10.1.0.11 -d 10.9.0.10 -p tcp --dport 6379 -j ACCEPT",
        "iptables -A OUTPUT -s 10.1.0.11 -d 10.9.0.10 -p tcp --dport 7001 -j ACCEPT",
        "iptables -A OUTPUT -s 10.1.0.11 -d 10.9.0.10 -p udp --dport 7004 -j ACCEPT",
        "iptables -A OUTPUT -s 10.1.0.12 -d 10.9.0.10 -p tcp --dport 5432 -j ACCEPT",
    })]
    [InlineData("nft", new[]
    {
        "nft add rule inet filter output ip saddr 10.2.0.11 ip daddr db.example tcp dport 5432 accept",
        "nft add rule inet filter output ip saddr 10.1.0.11 ip daddr 10.9.0.10 tcp dport 5432 accept",
        "nft add rule inet filter output ip saddr 10.1.0.11 ip daddr 10.9.0.10 tcp dport 6379 accept",
        "nft add rule inet filter output ip saddr 10.1.0.11 ip daddr 10.9.0.10 tcp dport 7001 accept",
        "nft add rule inet filter output ip saddr 10.1.0.11 ip daddr 10.9.0.10 udp dport 7004 accept",
        "nft add rule inet filter output ip saddr 10.1.0.12 ip daddr 10.9.0.10 tcp dport 5432 accept",
    })]
    [InlineData("ufw", new[]
    {
        "ufw allow out from 10.2.0.11 to db.example port 5432 proto tcp",
        "ufw allow out from 10.1.0.11 to 10.9.0.10 port 5432 proto tcp",
        "ufw allow out from 10.1.0.11 to 10.9.0.10 port 6379 proto tcp",
        "ufw allow out from 10.1.0.11 to 10.9.0.10 port 7001 proto tcp",
        "ufw allow out from 10.1.0.11 to 10.9.0.10 port 7004 proto udp",
        "ufw allow out from 10.1.0.12 to 10.9.0.10 port 5432 proto tcp",
    })]
    [InlineData("aws", new[]
    {
        "aws ec2 authorize-security-group-egress --group-id sg-1 --protocol tcp --port 5432 --cidr 10.9.0.99/32",
        "aws ec2 authorize-security-group-egress --group-id sg-1 --protocol tcp --port 5432 --cidr 10.9.0.10/32",
        "aws ec2 authorize-security-group-egress --group-id sg-1 --protocol tcp --port 6379 --cidr 10.9.0.10/32",
        "aws ec2 authorize-security-group-egress --group-id sg-1 --protocol tcp --port 7001 --cidr 10.9.0.10/32",
        "aws ec2 authorize-security-group-egress --group-id sg-1 --protocol udp --port 7004 --cidr 10.9.0.10/32",
    })]
    [InlineData("neutron", new[]
    {
        "neutron security-group-rule-create --direction egress --ethertype IPv4 --protocol tcp --port-range-min 5432 --port-range-max 5432 --remote-ip-prefix 10.9.0.99/32 sg-1",
        "neutron security-group-rule-create --direction egress --ethertype IPv4 --protocol tcp --port-range-min 5432 --port-range-max 5432 --remote-ip-prefix 10.9.0.10/32 sg-1",
        "neutron security-group-rule-create --direction egress --ethertype IPv4 --protocol tcp --port-range-min 6379 --port-range-max 6379 --remote-ip-prefix 10.9.0.10/32 sg-1",
        "neutron security-group-rule-create --direction egress --ethertype IPv4 --protocol tcp --port-range-min 7001 --port-range-max 7001 --remote-ip-prefix 10.9.0.10/32 sg-1",
        "neutron security-group-rule-create --direction egress --ethertype IPv4 --protocol udp --port-range-min 7004 --port-range-max 7004 --remote-ip-prefix 10.9.0.10/32 sg-1",
    })]
    [InlineData("nova", new[]
    {
        "nova secgroup-add-rule sg-1 tcp 5432 5432 10.9.0.99/32",
        "nova secgroup-add-rule sg-1 tcp 5432 5432 10.9.0.10/32",
        "nova secgroup-add-rule sg-1 tcp 6379 6379 10.9.0.10/32",
        "nova secgroup-add-rule sg-1 tcp 7001 7001 10.9.0.10/32",
        "nova secgroup-add-rule sg-1 udp 7004 7004 10.9.0.10/32",
    })]
    public void Convert_renders_each_type_exactly(string type, string[] expected)
    {
        var lines = FirewallCommands.Render(type, EgressRule.Merge(Sample), "sg-1", host => host == "db.example" ? IPAddress.Parse("10.9.0.99") : throw new FormatException(host));

        Assert.Equal(expected, lines);
    }

    [Fact]
    public void IPv6_rules_use_ip6tables_and_ip6_and_a_128_bit_prefix()
    {
        EgressRule[] rules = [new("fd00::11", "fd00::10", [443], "tcp")];
        Assert.Equal(["ip6tables -A OUTPUT -s fd00::11 -d fd00::10 -p tcp --dport 443 -j ACCEPT"], FirewallCommands.Render("iptables", rules, "g", _ => IPAddress.None));
        Assert.Equal(["nft add rule inet filter output ip6 saddr fd00::11 ip6 daddr fd00::10 tcp dport 443 accept"], FirewallCommands.Render("nft", rules, "g", _ => IPAddress.None));
        Assert.Equal(["neutron security-group-rule-create --direction egress --ethertype IPv6 --protocol tcp --port-range-min 443 --port-range-max 443 --remote-ip-prefix fd00::10/128 g"], FirewallCommands.Render("os", rules, "g", _ => IPAddress.None));
    }

    [Fact]
    public async Task Convert_fw_merges_files_and_an_unknown_type_or_a_bad_file_exits_3()
    {
        using var one = new TempConfig("egress:\n- {from_host: 10.1.0.11, to_host: 10.9.0.10, ports: [80], protocol: tcp}\n");
        using var two = new TempConfig("egress:\n- {from_host: 10.1.0.11, to_host: 10.9.0.10, ports: [443, 80], protocol: tcp}\n");
        using var bad = new TempConfig("egress:\n- {from_host: 10.1.0.11, to_host: 10.9.0.10, ports: [http], protocol: tcp}\n");

        var merged = await ProcessRunner.ConnCheckAsync("convert-fw", "--type", "EC2", one.Path, two.Path);
        var unknown = await ProcessRunner.ConnCheckAsync("convert-fw", "--type", "pf", one.Path);
        var badFile = await ProcessRunner.ConnCheckAsync("convert-fw", "--type", "iptables", bad.Path);

        Assert.True(merged.ExitCode == 0, merged.ToString());
        Assert.Equal(
            [
                "aws ec2 authorize-security-group-egress --group-id $SECGROUP --protocol tcp --port 80 --cidr 10.9.0.10/32",
                "aws ec2 authorize-security-group-egress --group-id $SECGROUP --protocol tcp --port 443 --cidr 10.9.0.10/32",
            ],
            merged.Lines);
        Assert.Equal(3, unknown.ExitCode);
        Assert.Contains("unknown type 'pf'", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, badFile.ExitCode);
        Assert.Contains("bad port 'http'", badFile.Stderr, StringComparison.Ordinal);
    }

    private static string Describe(EgressRule r) => $"{r.FromHost} -> {r.ToHost} {r.Protocol} {string.Join(',', r.Ports)} zone={r.FromZone}";
}
