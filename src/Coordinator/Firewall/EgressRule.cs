namespace ConnCheck.Coordinator.Firewall;

/// <summary>
/// One egress path a firewall must allow, in the original conn-check's export-fw shape
/// (from_host, to_host, ports, protocol) plus the zone the source host is in.
/// </summary>
public sealed record EgressRule(string FromHost, string ToHost, IReadOnlyList<int> Ports, string Protocol, string? FromZone = null)
{
    /// <summary>
    /// Merges rules with the same from_host, to_host and protocol into one whose ports are the union,
    /// ascending; the result is ordered by zone, source, destination and protocol. The first zone
    /// seen for a source host is kept.
    /// </summary>
    public static IReadOnlyList<EgressRule> Merge(IEnumerable<EgressRule> rules) =>
        rules
            .GroupBy(r => (r.FromHost, r.ToHost, r.Protocol))
            .Select(g => g.First() with { Ports = g.SelectMany(r => r.Ports).Distinct().Order().ToArray() })
            .OrderBy(r => r.FromZone ?? "", StringComparer.Ordinal)
            .ThenBy(r => r.FromHost, StringComparer.Ordinal)
            .ThenBy(r => r.ToHost, StringComparer.Ordinal)
            .ThenBy(r => r.Protocol, StringComparer.Ordinal)
            .ToArray();
}
