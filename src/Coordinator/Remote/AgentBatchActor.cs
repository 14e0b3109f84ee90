using Akka.Actor;
using Akka.Remote;
using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Coordinator.Remote;

/// <summary>
/// One agent's share of a run: sends the batch, watches the agent, hands every streamed result to
/// the collector, and reports the agent lost (with the reason) if it dies, refuses or falls silent.
/// An UntypedActor, as <see cref="RemoteRequest"/>'s: no expression trees to build on a cold start.
/// </summary>
public sealed class AgentBatchActor : UntypedActor
{
    private readonly AgentInfo agent;
    private readonly IActorRef agentRef;
    private readonly IReadOnlyList<RunBatch> chunks;
    private readonly HashSet<string> pending;
    private readonly TaskCompletionSource done;
    private readonly TimeSpan silence;
    private readonly Action<CheckResult> onResult;

    public AgentBatchActor(AgentInfo agent, IActorRef agentRef, IReadOnlyList<RunBatch> chunks, Action<CheckResult> onResult, TaskCompletionSource done, TimeSpan silence)
    {
        this.agent = agent;
        this.agentRef = agentRef;
        this.chunks = chunks;
        this.done = done;
        this.silence = silence;
        pending = chunks.Select(c => c.RunId).ToHashSet(StringComparer.Ordinal);
        this.onResult = onResult;
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case CheckCompleted m when pending.Contains(m.RunId):
                onResult(m.Result with { Zone = agent.Zone, Agent = agent.Name });
                break;
            case CheckResults m when pending.Contains(m.RunId):
                foreach (var result in m.Results)
                {
                    onResult(result with { Zone = agent.Zone, Agent = agent.Name });
                }

                break;
            case BatchCompleted m:
                pending.Remove(m.RunId);
                if (pending.Count == 0)
                {
                    Complete(null);
                }

                break;
            case BatchRejected m:
                Complete($"agent {agent.Name} refused the batch: {m.Reason}");
                break;
            // A closed connection is seen at once; the watch below covers a peer that just goes quiet.
            case DisassociatedEvent e when e.RemoteAddress.Equals(agentRef.Path.Address):
                Complete($"agent lost: {agent.Name} ({AkkaAddress.HostPort(agent.Address)}) closed the connection");
                break;
            case AssociationErrorEvent e when e.RemoteAddress.Equals(agentRef.Path.Address):
                Complete($"agent lost: {agent.Name} ({AkkaAddress.HostPort(agent.Address)}): {RemoteRequest.Describe(e.Cause, TransportSecurity.IsEnabled(Context.System.Settings.Config))}");
                break;
            case Terminated:
                Complete($"agent lost: {agent.Name} ({AkkaAddress.HostPort(agent.Address)}) stopped answering");
                break;
            case ReceiveTimeout:
                Complete($"agent lost: {agent.Name} ({AkkaAddress.HostPort(agent.Address)}) sent nothing for {silence.TotalSeconds:0.#}s");
                break;
            case Abort:
                foreach (var runId in pending)
                {
                    agentRef.Tell(new CancelBatch(runId));
                }

                done.TrySetCanceled();
                Context.Stop(Self);
                break;
            case CheckCompleted or CheckResults or RemotingLifecycleEvent:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    public static Props Props(AgentInfo agent, IActorRef agentRef, IReadOnlyList<RunBatch> chunks, Action<CheckResult> onResult, TaskCompletionSource done, TimeSpan silence) =>
        Akka.Actor.Props.Create<AgentBatchActor>(agent, agentRef, chunks, onResult, done, silence);

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(RemotingLifecycleEvent));
        Context.Watch(agentRef);
        foreach (var chunk in chunks)
        {
            agentRef.Tell(chunk);
        }

        Context.SetReceiveTimeout(silence);
    }

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        done.TrySetException(new AgentLostException($"agent {agent.Name}: coordinator stopped"));
    }

    private void Complete(string? lostBecause)
    {
        if (lostBecause is null)
        {
            done.TrySetResult();
        }
        else
        {
            done.TrySetException(new AgentLostException(lostBecause));
        }

        Context.Stop(Self);
    }

    /// <summary>The run no longer waits for this agent: cancel what it still runs.</summary>
    public sealed class Abort : INoSerializationVerificationNeeded
    {
        public static Abort Instance { get; } = new();
    }
}
