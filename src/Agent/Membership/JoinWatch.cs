using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Remote;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Agent.Membership;

/// <summary>
/// Says in one WARNING line when this agent cannot join through any of its seeds (with each seed's
/// reason and how often it retries), and in one INFO line when it joins after all. Akka's own
/// join and association warnings about the seeds, repeated every few seconds, are left out of the
/// log (<see cref="AgentLogger"/>). The agent keeps answering coordinators that greet it directly.
/// </summary>
public sealed class JoinWatch : ReceiveActor, IWithTimers
{
    private readonly Dictionary<Address, string> reasons = [];
    private bool warned;

    public JoinWatch(Akka.Cluster.Cluster cluster, IReadOnlyList<Address> seeds, TimeSpan warnAfter, TimeSpan retryEvery)
    {
        var log = Context.GetLogger();
        foreach (var seed in seeds)
        {
            reasons[seed] = $"no answer within {warnAfter.TotalSeconds:0.#}s";
        }

        Receive<AssociationErrorEvent>(e =>
        {
            if (reasons.ContainsKey(e.RemoteAddress))
            {
                reasons[e.RemoteAddress] = Reason(e.Cause);
            }
        });
        Receive<Check>(_ =>
        {
            if (cluster.SelfMember.Status is MemberStatus.Up or MemberStatus.WeaklyUp || warned)
            {
                return;
            }

            warned = true;
            var why = string.Join("; ", reasons.Select(r => $"{AkkaAddress.HostPort(r.Key.ToString())}: {r.Value}"));
            log.Warning("cannot join a cluster: no seed reached ({0}); retrying every {1:0.#}s; coordinators that reach this agent directly are still served", why, retryEvery.TotalSeconds);
        });
        Receive<ClusterEvent.MemberUp>(e =>
        {
            if (e.Member.Address.Equals(cluster.SelfAddress) && warned)
            {
                log.Info("joined the cluster after all ({0} member(s))", cluster.State.Members.Count);
            }
        });
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<ClusterEvent.CurrentClusterState>(_ => { });

        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.MemberUp));
        Timers!.StartSingleTimer("check", Check.Instance, warnAfter);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Akka.Cluster.Cluster cluster, IReadOnlyList<Address> seeds, TimeSpan warnAfter, TimeSpan retryEvery) =>
        Akka.Actor.Props.Create<JoinWatch>(cluster, seeds, warnAfter, retryEvery);

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(AssociationErrorEvent));

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
    }

    private static string Reason(Exception? cause)
    {
        // A seed behind a DROP rule: Akka gives up the association after its handshake timeout.
        var failure = PeerFailures.Classify(cause, secure: false);
        return failure == PeerFailure.TimedOut ? "timed out (dropped by a firewall?)"
            : PeerFailures.TransportWords(failure) ?? PeerFailures.OneLine(cause, "association failed");
    }

    private sealed class Check : INoSerializationVerificationNeeded
    {
        public static Check Instance { get; } = new();
    }
}
