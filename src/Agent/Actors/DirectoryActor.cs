using Akka.Actor;
using Akka.Cluster;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Agent.Actors;

/// <summary>Answers a coordinator's <see cref="GetAgents"/> with the cluster membership this agent sees.</summary>
public sealed class DirectoryActor : ReceiveActor
{
    public DirectoryActor(Akka.Cluster.Cluster cluster)
    {
        Receive<GetAgents>(request =>
        {
            if (request.Version != ProtocolVersion.Current)
            {
                Sender.Tell(new AgentList(ProtocolVersion.Current, [], $"protocol version {request.Version} is not supported (this agent speaks version {ProtocolVersion.Current})"));
                return;
            }

            Sender.Tell(new AgentList(ProtocolVersion.Current, Members(cluster)));
        });
    }

    public static Props Props(Akka.Cluster.Cluster cluster) => Akka.Actor.Props.Create<DirectoryActor>(cluster);

    public static IReadOnlyList<AgentEntry> Members(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        var members = state.Members
            .Where(m => m.HasRole("agent") && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp)
            .Select(m => Entry(m.Address, m.Roles, m.Status.ToString(), !state.Unreachable.Contains(m)))
            .ToList();
        // An agent that has not joined (its seeds are unreachable) still runs checks: it lists itself,
        // so a coordinator that asks it as a seed still finds this vantage point.
        if (members.All(m => m.Address != cluster.SelfAddress.ToString()))
        {
            members.Add(Entry(cluster.SelfAddress, cluster.SelfRoles, AgentEntry.NotJoined, true));
        }

        return members;
    }

    private static AgentEntry Entry(Address address, IEnumerable<string> roles, string status, bool reachable) => new(
        Name: Role(roles, "name:") ?? address.Host ?? "?",
        Zone: Role(roles, "zone:") ?? "?",
        Address: address.ToString(),
        Host: address.Host ?? "",
        Port: address.Port ?? 0,
        Status: status,
        Reachable: reachable);

    private static string? Role(IEnumerable<string> roles, string prefix) =>
        roles.FirstOrDefault(r => r.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
}
