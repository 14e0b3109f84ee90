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

    public static Props Props(Akka.Cluster.Cluster cluster) => Akka.Actor.Props.Create(() => new DirectoryActor(cluster));

    public static IReadOnlyList<AgentEntry> Members(Akka.Cluster.Cluster cluster)
    {
        var state = cluster.State;
        return state.Members
            .Where(m => m.HasRole("agent") && m.Status is MemberStatus.Up or MemberStatus.WeaklyUp)
            .Select(m => new AgentEntry(
                Name: Role(m, "name:") ?? m.Address.Host ?? "?",
                Zone: Role(m, "zone:") ?? "?",
                Address: m.Address.ToString(),
                Host: m.Address.Host ?? "",
                Port: m.Address.Port ?? 0,
                Status: m.Status.ToString(),
                Reachable: !state.Unreachable.Contains(m)))
            .ToArray();
    }

    private static string? Role(Member member, string prefix) =>
        member.Roles.FirstOrDefault(r => r.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..];
}
