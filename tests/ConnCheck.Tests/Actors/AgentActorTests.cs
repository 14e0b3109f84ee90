using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using ConnCheck.Agent.Actors;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Actors;

/// <summary>The agent actor with TestKit probes; every message goes through the protocol serializer.</summary>
public sealed class AgentActorTests : TestKit
{
    // The shipped serializer bindings, in a local ActorSystem that serializes every message.
    public static readonly Akka.Configuration.Config TestConfig = ConfigurationFactory.ParseString("""
        akka.actor.serialize-messages = on
        akka.actor.provider = local
        akka.loglevel = WARNING
        akka.loggers = ["Akka.TestKit.TestEventListener, Akka.TestKit"]
        """).WithFallback(HoconFiles.Shipped("coordinator.hocon"));

    private readonly IActorRef agent;

    public AgentActorTests()
        : base(TestConfig)
    {
        agent = Sys.ActorOf(AgentActor.Props(new AgentIdentity("app-1", "web", "10.0.0.1"), new CheckRunner(CheckTypes.Default, new RunnerOptions()), maxBatchChecks: 10));
    }

    [Fact]
    public void Hello_is_answered_with_the_agents_identity()
    {
        agent.Tell(new Hello(ProtocolVersion.Current), TestActor);

        var reply = ExpectMsg<HelloReply>();
        Assert.Equal(new HelloReply(ProtocolVersion.Current, "app-1", "web", "10.0.0.1"), reply);
    }

    [Fact]
    public void A_peer_of_another_protocol_version_is_refused_clearly()
    {
        agent.Tell(new Hello(ProtocolVersion.Current + 1), TestActor);
        agent.Tell(new RunBatch(ProtocolVersion.Current + 1, "run-1", "web", [], 10), TestActor);

        Assert.Equal($"protocol version {ProtocolVersion.Current + 1} is not supported (this agent speaks version {ProtocolVersion.Current})", ExpectMsg<HelloReply>().Refusal);
        Assert.Equal(new BatchRejected("run-1", $"protocol version {ProtocolVersion.Current + 1} is not supported (this agent speaks version {ProtocolVersion.Current})"), ExpectMsg<BatchRejected>());
    }

    [Fact]
    public void A_batch_for_another_zone_or_too_large_is_refused()
    {
        agent.Tell(new RunBatch(ProtocolVersion.Current, "run-2", "batch", [Tcp(0, 1)], 10), TestActor);
        agent.Tell(new RunBatch(ProtocolVersion.Current, "run-3", "web", Enumerable.Range(0, 11).Select(i => Tcp(i, 1)).ToArray(), 10), TestActor);

        Assert.Equal("agent app-1 is in zone web, not batch", ExpectMsg<BatchRejected>().Reason);
        Assert.Equal("batch of 11 checks exceeds max-batch-checks 10", ExpectMsg<BatchRejected>().Reason);
    }

    [Fact]
    public void Each_result_streams_back_stamped_with_the_agent_then_the_batch_completes()
    {
        using var open = new AcceptingListener();
        var closed = Loopback.ClosedPort();

        agent.Tell(new RunBatch(ProtocolVersion.Current, "run-4", "web", [Tcp(0, open.Port), Tcp(1, closed)], 10), TestActor);

        // Results that finish within a few milliseconds of each other travel in one CheckResults message.
        var streamed = new List<CheckResult>();
        while (streamed.Count < 2)
        {
            streamed.AddRange(ExpectMsg<IProtocolMessage>() switch
            {
                CheckCompleted one => [one.Result],
                CheckResults some => some.Results,
                var other => throw new Xunit.Sdk.XunitException($"expected results, got {other}"),
            });
        }

        var results = streamed.OrderBy(r => r.CheckId).ToArray();
        Assert.Equal(new BatchCompleted("run-4", 2), ExpectMsg<BatchCompleted>());
        Assert.Equal((CheckStatus.Ok, "web", "app-1"), (results[0].Status, results[0].Zone, results[0].Agent));
        Assert.Equal((CheckStatus.Failed, "connection refused"), (results[1].Status, results[1].Reason));
    }

    [Fact]
    public async Task CancelBatch_closes_the_checks_connection_and_nothing_more_is_reported()
    {
        // A redis server that takes the PING and never answers: without the cancel the check would hold
        // its connection for its whole 30 s timeout.
        using var silent = new SilentServer();
        agent.Tell(new RunBatch(ProtocolVersion.Current, "run-5", "web", [Spec(0, "redis", silent.Port) with { TimeoutSeconds = 30 }], 10), TestActor);
        await silent.HeldAsync(1, TimeSpan.FromSeconds(10));

        agent.Tell(new CancelBatch("run-5"), TestActor);

        // The far end sees the connection go well before the check's own timeout would have closed it...
        await silent.ClosedAsync(1, TimeSpan.FromSeconds(5));
        // ...and, as designed, a cancelled batch sends nothing more: no result and no BatchCompleted.
        await ExpectNoMsgAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_batch_that_is_not_cancelled_keeps_its_connection()
    {
        // The control for the test above: the same silent server, no CancelBatch, the connection stays.
        using var silent = new SilentServer();
        agent.Tell(new RunBatch(ProtocolVersion.Current, "run-6", "web", [Spec(0, "redis", silent.Port) with { TimeoutSeconds = 30 }], 10), TestActor);
        await silent.HeldAsync(1, TimeSpan.FromSeconds(10));

        await ExpectNoMsgAsync(TimeSpan.FromSeconds(3));

        Assert.Equal(0, silent.Closed);
        agent.Tell(new CancelBatch("run-6"), TestActor);
    }

    [Fact]
    public async Task A_batch_still_running_says_so_each_progress_interval_until_it_is_cancelled()
    {
        // The check holds a silent connection for 30 s: with progress on, the coordinator hears from
        // the agent (empty results) long before, so only a stuck or vanished agent reaches its silence limit.
        var talking = Sys.ActorOf(AgentActor.Props(new AgentIdentity("app-2", "web", "10.0.0.2"), new CheckRunner(CheckTypes.Default, new RunnerOptions()), maxBatchChecks: 10, progressInterval: TimeSpan.FromMilliseconds(200)));
        using var silent = new SilentServer();
        talking.Tell(new RunBatch(ProtocolVersion.Current, "run-7", "web", [Spec(0, "redis", silent.Port) with { TimeoutSeconds = 30 }], 10), TestActor);
        await silent.HeldAsync(1, TimeSpan.FromSeconds(10));

        for (var i = 0; i < 3; i++)
        {
            var progress = ExpectMsg<CheckResults>(TimeSpan.FromSeconds(5));
            Assert.Equal(("run-7", 0), (progress.RunId, progress.Results.Count));
        }

        talking.Tell(new CancelBatch("run-7"), TestActor);
        await silent.ClosedAsync(1, TimeSpan.FromSeconds(5));
        // The connection closed, so the cancel was handled: what was sent before it is queued here already
        // (a local tell), and after it nothing comes, over four progress intervals.
        while (HasMessages)
        {
            Assert.Empty(ExpectMsg<CheckResults>().Results);
        }

        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(800));
    }

    private static CheckSpec Tcp(int id, int port) => Spec(id, "tcp", port);

    private static CheckSpec Spec(int id, string type, int port) => new()
    {
        Id = id,
        Type = type,
        Name = $"{type}:127.0.0.1:{port}",
        Destination = new Destination("127.0.0.1", port),
        From = ["web"],
        Options = ConnCheck.Checks.Types.CheckTypes.Default.Get(type).Parse(new ConnCheck.Checks.Engine.CheckFields(new Dictionary<string, System.Text.Json.JsonElement>
        {
            ["host"] = System.Text.Json.JsonSerializer.SerializeToElement("127.0.0.1"),
            ["port"] = System.Text.Json.JsonSerializer.SerializeToElement(port),
        })),
    };
}
