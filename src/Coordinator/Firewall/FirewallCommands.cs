using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Coordinator.Firewall;

/// <summary>
/// convert-fw: egress rules as firewall commands. Host firewalls (iptables, nft, ufw) get one rule per
/// source, destination and port; security groups (aws, neutron, nova) belong to instances, so their
/// commands name the destination only, as the original conn-check-convert-fw's did, and repeat none.
/// </summary>
public static class FirewallCommands
{
    public const string DefaultGroup = "$SECGROUP";

    /// <summary>Output types by name, with the original's aliases.</summary>
    public static IReadOnlyDictionary<string, string> Types { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["iptables"] = "iptables",
        ["nft"] = "nft",
        ["nftables"] = "nft",
        ["ufw"] = "ufw",
        ["aws"] = "aws",
        ["amazon"] = "aws",
        ["ec2"] = "aws",
        ["neutron"] = "neutron",
        ["openstack"] = "neutron",
        ["os"] = "neutron",
        ["nova"] = "nova",
    };

    /// <param name="resolve">Host name → address, for security-group CIDRs (host firewalls take names as they are: iptables and nft resolve them when loading the rule).</param>
    public static IReadOnlyList<string> Render(string type, IEnumerable<EgressRule> rules, string group, Func<string, IPAddress> resolve)
    {
        var kind = Types.TryGetValue(type, out var known) ? known : throw new ArgumentException($"unknown type '{type}'");
        var lines = new List<string>();
        foreach (var rule in rules)
        {
            var (from, to, p) = (rule.FromHost, rule.ToHost, rule.Protocol);
            var v6 = IsV6(from) || IsV6(to);
            var cidr = kind is "aws" or "neutron" or "nova" ? Cidr(IPAddress.TryParse(to, out var literal) ? literal : resolve(to)) : "";
            foreach (var port in rule.Ports)
            {
                lines.Add(kind switch
                {
                    "iptables" => $"{(v6 ? "ip6tables" : "iptables")} -A OUTPUT -s {from} -d {to} -p {p} --dport {port} -j ACCEPT",
                    "nft" => $"nft add rule inet filter output {(v6 ? "ip6" : "ip")} saddr {from} {(v6 ? "ip6" : "ip")} daddr {to} {p} dport {port} accept",
                    "ufw" => $"ufw allow out from {from} to {to} port {port} proto {p}",
                    "aws" => $"aws ec2 authorize-security-group-egress --group-id {group} --protocol {p} --port {port} --cidr {cidr}",
                    "neutron" => $"neutron security-group-rule-create --direction egress --ethertype {(cidr.EndsWith("/128", StringComparison.Ordinal) ? "IPv6" : "IPv4")} --protocol {p} --port-range-min {port} --port-range-max {port} --remote-ip-prefix {cidr} {group}",
                    _ => $"nova secgroup-add-rule {group} {p} {port} {port} {cidr}",
                });
            }
        }

        return lines.Distinct(StringComparer.Ordinal).ToArray();
    }

    private static bool IsV6(string host) => IPAddress.TryParse(host, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static string Cidr(IPAddress address) => $"{address}/{(address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32)}";

    /// <summary>DNS, as the original did for security-group CIDRs; IPv4 first.</summary>
    public static IPAddress ResolveWithDns(string host)
    {
        try
        {
            return Dns.GetHostAddresses(host).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            throw new FormatException($"cannot resolve '{host}': {ex.Message}");
        }
    }
}
