using Akka.Actor;
using Akka.Event;
using Akka.Remote;

namespace ConnCheck.Agent.Membership;

/// <summary>
/// A member that was downed while it was frozen or cut off learns it on its next contact: the others
/// have quarantined it. That incarnation can never rejoin, so the host starts a fresh one.
/// </summary>
public sealed class QuarantineListener : ReceiveActor
{
    public QuarantineListener(TaskCompletionSource quarantined)
    {
        var log = Context.GetLogger();
        Receive<ThisActorSystemQuarantinedEvent>(e =>
        {
            log.Warning("quarantined by {0}: this agent was removed from the cluster", e.RemoteAddress);
            quarantined.TrySetResult();
        });
    }

    protected override void PreStart() => Context.System.EventStream.Subscribe(Self, typeof(ThisActorSystemQuarantinedEvent));
}
