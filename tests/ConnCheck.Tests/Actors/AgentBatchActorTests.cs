using Akka.Actor;
using Akka.TestKit.Xunit2;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Tests.Actors;

/// <summary>The coordinator's side of one agent's batch, with a TestKit probe standing in for the agent.</summary>
[Collection(ConnCheck.Tests.Support.TimingSensitive.Name)]
public sealed class AgentBatchActorTests() : TestKit(AgentActorTests.TestConfig)
{
    private static readonly AgentInfo Agent = new("app-1", "web", "akka.tcp://conn-check@10.0.0.1:4550");

    [Fact]
    public async Task Sends_every_chunk_stamps_streamed_results_and_completes_when_every_chunk_is_done()
    {
        var agent = CreateTestProbe();
        var results = new List<CheckResult>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = Sys.ActorOf(AgentBatchActor.Props(Agent, agent.Ref, [Chunk("r-0", 0, 1), Chunk("r-1", 2)], r => { lock (results) { results.Add(r); } }, done, TimeSpan.FromSeconds(5)));

        Assert.Equal("r-0", agent.ExpectMsg<RunBatch>().RunId);
        Assert.Equal("r-1", agent.ExpectMsg<RunBatch>().RunId);
        batch.Tell(new CheckCompleted("r-0", Result(0) with { Zone = "elsewhere", Agent = "impostor" }), agent.Ref);
        batch.Tell(new CheckCompleted("r-0", Result(1)), agent.Ref);
        batch.Tell(new BatchCompleted("r-0", 2), agent.Ref);
        batch.Tell(new CheckCompleted("unknown-run", Result(9)), agent.Ref);
        Assert.False(done.Task.IsCompleted);
        batch.Tell(new CheckCompleted("r-1", Result(2)), agent.Ref);
        batch.Tell(new BatchCompleted("r-1", 1), agent.Ref);

        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal([0, 1, 2], results.Select(r => r.CheckId).Order());
        Assert.All(results, r => Assert.Equal(("web", "app-1"), (r.Zone, r.Agent)));
    }

    [Fact]
    public async Task A_refused_batch_is_an_agent_loss_with_the_agents_reason()
    {
        var agent = CreateTestProbe();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = Sys.ActorOf(AgentBatchActor.Props(Agent, agent.Ref, [Chunk("r-0", 0)], _ => { }, done, TimeSpan.FromSeconds(5)));
        agent.ExpectMsg<RunBatch>();

        batch.Tell(new BatchRejected("r-0", "protocol version 2 is not supported"), agent.Ref);

        var lost = await Assert.ThrowsAsync<AgentLostException>(() => done.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("agent app-1 refused the batch: protocol version 2 is not supported", lost.Message);
    }

    [Fact]
    public async Task An_agent_that_falls_silent_is_lost_after_the_silence_limit()
    {
        var agent = CreateTestProbe();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sys.ActorOf(AgentBatchActor.Props(Agent, agent.Ref, [Chunk("r-0", 0)], _ => { }, done, TimeSpan.FromMilliseconds(300)));
        agent.ExpectMsg<RunBatch>();

        var lost = await Assert.ThrowsAsync<AgentLostException>(() => done.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("agent lost: app-1 (10.0.0.1:4550) sent nothing for 0.3s", lost.Message);
    }

    [Fact]
    public async Task An_agent_that_sends_progress_is_not_lost_while_its_checks_run_past_the_silence_limit()
    {
        var agent = CreateTestProbe();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = Sys.ActorOf(AgentBatchActor.Props(Agent, agent.Ref, [Chunk("r-0", 0)], _ => { }, done, TimeSpan.FromMilliseconds(300)));
        agent.ExpectMsg<RunBatch>();

        // Five times the silence limit, with an empty results message (the agent's progress) every 100 ms.
        var until = DateTime.UtcNow.AddMilliseconds(1500);
        while (DateTime.UtcNow < until)
        {
            batch.Tell(new CheckResults("r-0", []), agent.Ref);
            await agent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
            Assert.False(done.Task.IsCompleted, "the agent was declared lost although it kept sending progress");
        }

        batch.Tell(new BatchCompleted("r-0", 0), agent.Ref);
        await done.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Aborting_cancels_the_unfinished_chunks_on_the_agent()
    {
        var agent = CreateTestProbe();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batch = Sys.ActorOf(AgentBatchActor.Props(Agent, agent.Ref, [Chunk("r-0", 0), Chunk("r-1", 1)], _ => { }, done, TimeSpan.FromSeconds(5)));
        agent.ExpectMsg<RunBatch>();
        agent.ExpectMsg<RunBatch>();
        batch.Tell(new BatchCompleted("r-0", 1), agent.Ref);

        batch.Tell(AgentBatchActor.Abort.Instance);

        Assert.Equal(new CancelBatch("r-1"), agent.ExpectMsg<CancelBatch>());
        agent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => done.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    private static RunBatch Chunk(string runId, params int[] ids) =>
        new(ProtocolVersion.Current, runId, "web", ids.Select(id => new CheckSpec { Id = id, Type = "tcp", Name = $"c{id}", Destination = new Destination("db", 5432), From = ["web"] }).ToArray(), 10);

    private static CheckResult Result(int id) => new() { CheckId = id, Name = $"c{id}", Type = "tcp", Destination = "db:5432", Status = CheckStatus.Ok, Zone = "web", Agent = "app-1" };
}

/// <summary>
/// Death watch, without serialize-messages: the Terminated notification is created locally and never
/// crosses the wire, but serialize-messages would push it through the refusing stand-in for Akka's
/// CLR-type-name serializer and drop it.
/// </summary>
public sealed class AgentBatchActorWatchTests() : TestKit(Akka.Configuration.ConfigurationFactory.ParseString("akka.actor.serialize-messages = off").WithFallback(AgentActorTests.TestConfig))
{
    private static readonly AgentInfo Agent = new("app-1", "web", "akka.tcp://conn-check@10.0.0.1:4550");

    [Fact]
    public async Task An_agent_that_stops_is_lost()
    {
        var agent = CreateTestProbe();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Sys.ActorOf(AgentBatchActor.Props(Agent, agent.Ref, [new RunBatch(ProtocolVersion.Current, "r-0", "web", [], 10)], _ => { }, done, TimeSpan.FromSeconds(5)));
        agent.ExpectMsg<RunBatch>();

        agent.Ref.Tell(PoisonPill.Instance);

        var lost = await Assert.ThrowsAsync<AgentLostException>(() => done.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("agent lost: app-1 (10.0.0.1:4550) stopped answering", lost.Message);
    }

}
