using ConnCheck.Protocol.Messages;

namespace ConnCheck.Coordinator.Remote;

/// <summary>One agent cluster as the seeds' answers show it: its members and the seeds that answered for it.</summary>
public sealed record DiscoveredCluster(int Number, IReadOnlyList<AgentEntry> Members, IReadOnlyList<string> Seeds)
{
    /// <summary>
    /// Groups the seeds' answers into clusters: answers that share a member are one cluster (two seeds
    /// of one zone), answers that share none are separate clusters (zones that cannot reach each
    /// other). Numbered in order of their first zone and member name, so a listing is stable.
    /// </summary>
    public static IReadOnlyList<DiscoveredCluster> Merge(IEnumerable<SeedAnswer> answers)
    {
        var groups = new List<(HashSet<string> Addresses, List<AgentEntry> Members, List<string> Seeds)>();
        foreach (var answer in answers.Where(a => a.Problem is null && a.Members.Count > 0))
        {
            var overlapping = groups.Where(g => answer.Members.Any(m => g.Addresses.Contains(m.Address))).ToList();
            var merged = (Addresses: new HashSet<string>(StringComparer.Ordinal), Members: new List<AgentEntry>(), Seeds: new List<string>());
            foreach (var group in overlapping)
            {
                groups.Remove(group);
                merged.Addresses.UnionWith(group.Addresses);
                merged.Members.AddRange(group.Members);
                merged.Seeds.AddRange(group.Seeds);
            }

            merged.Members.AddRange(answer.Members.Where(m => merged.Addresses.Add(m.Address)));
            merged.Seeds.Add(answer.HostPort);
            groups.Add(merged);
        }

        return groups
            .Select(g => g.Members.OrderBy(m => m.Zone, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal).ToArray())
            .Zip(groups, (members, g) => (Members: members, g.Seeds))
            .OrderBy(g => g.Members[0].Zone, StringComparer.Ordinal).ThenBy(g => g.Members[0].Name, StringComparer.Ordinal)
            .Select((g, i) => new DiscoveredCluster(i + 1, g.Members, g.Seeds.Distinct(StringComparer.Ordinal).ToArray()))
            .ToArray();
    }
}
