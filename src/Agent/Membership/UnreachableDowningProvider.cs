using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace ConnCheck.Agent.Membership;

/// <summary>
/// Downing chosen for a cluster that shares nothing but membership: the leader of a reachable side
/// that holds a seed removes members that stay unreachable for conn-check.agent.down-unreachable-after.
/// No member ever downs itself, so one crashed agent can never take healthy agents in other zones
/// with it, whatever the cluster size. A side without any seed (an agent that was frozen or cut
/// off) downs nobody: it waits to be told it was removed, then rejoins, instead of forming an island.
/// </summary>
public sealed class UnreachableDowningProvider(ActorSystem system, Akka.Cluster.Cluster cluster) : IDowningProvider
{
    private readonly TimeSpan downAfter = system.Settings.Config.GetTimeSpan("conn-check.agent.down-unreachable-after", TimeSpan.FromSeconds(10));

    public TimeSpan DownRemovalMargin => TimeSpan.Zero;

    public Props DowningActorProps => Props.Create<UnreachableDowning>(cluster, downAfter);
}

internal sealed class UnreachableDowning : ReceiveActor
{
    private readonly Akka.Cluster.Cluster cluster;
    private readonly TimeSpan downAfter;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, ICancelable> timers = [];

    public UnreachableDowning(Akka.Cluster.Cluster cluster, TimeSpan downAfter)
    {
        this.cluster = cluster;
        this.downAfter = downAfter;

        Receive<ClusterEvent.UnreachableMember>(e => timers[e.Member.UniqueAddress] =
            Context.System.Scheduler.ScheduleTellOnceCancelable(downAfter, Self, new DownIfStillUnreachable(e.Member), Self));
        Receive<ClusterEvent.ReachableMember>(e => Forget(e.Member.UniqueAddress));
        Receive<ClusterEvent.MemberRemoved>(e => Forget(e.Member.UniqueAddress));
        Receive<DownIfStillUnreachable>(Decide);
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
    }

    protected override void PreStart() =>
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop()
    {
        cluster.Unsubscribe(Self);
        foreach (var timer in timers.Values)
        {
            timer.Cancel();
        }
    }

    private void Decide(DownIfStillUnreachable message)
    {
        timers.Remove(message.Member.UniqueAddress);
        var state = cluster.State;
        var stillUnreachable = state.Unreachable.Any(m => m.UniqueAddress.Equals(message.Member.UniqueAddress));
        var reachableLeader = state.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining or MemberStatus.Leaving && !state.Unreachable.Contains(m))
            .OrderBy(m => m.Address, Member.AddressOrdering)
            .FirstOrDefault();
        var seeds = cluster.Settings.SeedNodes;
        var sideHoldsSeed = seeds.Count == 0 || state.Members.Any(m => seeds.Contains(m.Address) && !state.Unreachable.Contains(m));
        if (stillUnreachable && sideHoldsSeed && reachableLeader is not null && reachableLeader.UniqueAddress.Equals(cluster.SelfUniqueAddress) && !message.Member.UniqueAddress.Equals(cluster.SelfUniqueAddress))
        {
            log.Warning("downing {0}: unreachable for {1}", message.Member.Address, downAfter);
            cluster.Down(message.Member.Address);
        }
    }

    private void Forget(UniqueAddress member)
    {
        if (timers.Remove(member, out var timer))
        {
            timer.Cancel();
        }
    }

    private sealed record DownIfStillUnreachable(Member Member) : INoSerializationVerificationNeeded;
}
