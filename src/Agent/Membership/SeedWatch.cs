using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Agent.Membership;

/// <summary>
/// Repairs islands. After a long pause (a frozen VM, a cut link) an agent and its seeds may each
/// have downed the other and carried on as two clusters. Every interval this asks the seeds for
/// their membership; if a seed answers from a cluster that has neither this agent nor is part of
/// this agent's cluster, this incarnation is done and the host starts a fresh one that rejoins.
/// </summary>
public sealed class SeedWatch : ReceiveActor, IWithTimers
{
    private readonly Akka.Cluster.Cluster cluster;
    private readonly IReadOnlyList<Address> seeds;
    private readonly TaskCompletionSource isolated;
    private readonly ILoggingAdapter log = Context.GetLogger();

    public SeedWatch(Akka.Cluster.Cluster cluster, IReadOnlyList<string> seedAddresses, TimeSpan interval, TaskCompletionSource isolated)
    {
        this.cluster = cluster;
        this.isolated = isolated;
        seeds = seedAddresses.Select(Address.Parse).Where(a => !a.Equals(cluster.SelfAddress)).ToArray();

        Receive<Tick>(_ => Probe());
        Receive<AgentList>(list => Judge(Sender.Path.Address, list));
        Timers!.StartPeriodicTimer("probe", Tick.Instance, interval);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Akka.Cluster.Cluster cluster, IReadOnlyList<string> seedAddresses, TimeSpan interval, TaskCompletionSource isolated) =>
        Akka.Actor.Props.Create<SeedWatch>(cluster, seedAddresses, interval, isolated);

    private void Probe()
    {
        // Only a member that is Up has a cluster to compare; one still joining is left alone.
        if (cluster.SelfMember.Status != MemberStatus.Up)
        {
            return;
        }

        foreach (var seed in seeds)
        {
            Context.ActorSelection($"{seed}/user/directory").Tell(new GetAgents(ProtocolVersion.Current));
        }
    }

    private void Judge(Address seed, AgentList list)
    {
        // A seed that is itself still joining has no cluster to be an island of.
        if (list.Agents.All(a => a.Status == AgentEntry.NotJoined))
        {
            return;
        }

        var mine = cluster.State.Members.Select(m => m.Address).ToHashSet();
        var seedListsMe = list.Agents.Any(a => a.Address == cluster.SelfAddress.ToString());
        if (!seedListsMe && !mine.Contains(seed))
        {
            log.Warning("seed {0} is in another cluster that does not list this agent: restarting to rejoin", AkkaAddress.HostPort(seed.ToString()));
            isolated.TrySetResult();
            // Said once: the host finishes this incarnation's batches before it restarts.
            Timers.Cancel("probe");
        }
    }

    private sealed class Tick : INoSerializationVerificationNeeded
    {
        public static Tick Instance { get; } = new();
    }
}
