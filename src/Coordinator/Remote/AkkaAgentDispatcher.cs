using Akka.Actor;
using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Coordinator.Remote;

/// <summary>Sends each agent its batch over Akka.Remote, in chunks, and streams the results back.</summary>
public sealed class AkkaAgentDispatcher(CoordinatorRemoting remoting, IReadOnlyDictionary<string, IActorRef> agentRefs, TimeSpan defaultTimeout) : IAgentDispatcher
{
    private readonly string runId = Guid.NewGuid().ToString("N")[..12];

    public async Task RunBatchAsync(AgentInfo agent, IReadOnlyList<CheckSpec> checks, Action<CheckResult> onResult, CancellationToken cancellationToken)
    {
        if (!agentRefs.TryGetValue(agent.Address, out var agentRef))
        {
            throw new AgentLostException($"agent {agent.Name} was never reached");
        }

        var chunks = checks.Chunk(Math.Max(1, remoting.ChunkSize))
            .Select((chunk, i) => new RunBatch(ProtocolVersion.Current, $"{runId}-{agent.Name}-{i}", agent.Zone, chunk, defaultTimeout.TotalSeconds))
            .ToArray();
        var longestCheck = checks.Max(c => c.TimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : defaultTimeout);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var actor = remoting.System.ActorOf(AgentBatchActor.Props(agent, agentRef, chunks, onResult, done, longestCheck + remoting.SilenceGrace));
        await using var abort = cancellationToken.Register(() => actor.Tell(AgentBatchActor.Abort.Instance)).ConfigureAwait(false);

        var finished = await Task.WhenAny(done.Task, remoting.Stopping).ConfigureAwait(false);
        if (finished != done.Task)
        {
            throw new AgentLostException($"agent {agent.Name}: the coordinator's remoting stopped");
        }

        try
        {
            await done.Task.ConfigureAwait(false);
        }
        catch (TaskCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }
}
