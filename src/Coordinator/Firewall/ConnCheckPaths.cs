using ConnCheck.Coordinator.Remote;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Firewall;

/// <summary>
/// The paths conn-check itself needs, as egress rules: this coordinator → each agent's remoting port,
/// and agent ↔ agent inside each cluster the seeds answered for. Nothing crosses zones but the
/// coordinator's own connections (replies ride them).
/// </summary>
public static class ConnCheckPaths
{
    public const string CoordinatorZone = "coordinator";

    /// <param name="localHost">The address this host uses toward a destination (HOST, PORT).</param>
    public static async Task<IReadOnlyList<EgressRule>> PlanAsync(RemoteAgents agents, Func<string, int, Task<string>> localHost)
    {
        var rules = new List<EgressRule>();
        foreach (var contact in agents.Contacts.DistinctBy(c => c.Address))
        {
            if (AkkaAddress.TrySplit(AkkaAddress.HostPort(contact.Address), out var host, out var port))
            {
                rules.Add(new EgressRule(await localHost(host, port).ConfigureAwait(false), host, [port], "tcp", CoordinatorZone));
            }
        }

        foreach (var cluster in agents.Clusters)
        {
            rules.AddRange(
                from source in cluster.Members
                from target in cluster.Members
                where source.Address != target.Address
                select new EgressRule(source.Host, target.Host, [target.Port], "tcp", source.Zone));
        }

        return EgressRule.Merge(rules);
    }
}
