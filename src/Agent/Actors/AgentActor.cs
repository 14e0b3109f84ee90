using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Remote;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Agent.Actors;

/// <summary>Who this agent is, as it reports itself.</summary>
public sealed record AgentIdentity(string Name, string Zone, string Host);

/// <summary>
/// Receives batches from coordinators, runs them with the same engine as local runs and streams
/// each result back as it finishes. A coordinator that goes away has its batches cancelled.
/// While a batch runs, an interval with no result sent ends with an empty <see cref="CheckResults"/>:
/// the coordinator's silence limit (longest check timeout plus a grace) then measures a stuck or
/// vanished agent, not a busy one whose results are slow to start on a loaded host.
/// </summary>
public sealed class AgentActor : ReceiveActor, IWithTimers
{
    private readonly AgentIdentity identity;
    private readonly CheckRunner runner;
    private readonly int maxBatchChecks;
    private readonly TimeSpan progressInterval;
    private readonly IdleTrimSchedule trims;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private const int MaxResultsPerMessage = 200;
    private static readonly TimeSpan ResultsDelay = TimeSpan.FromMilliseconds(5);
    private readonly Dictionary<string, RunningBatch> running = new(StringComparer.Ordinal);
    private IActorRef? drainRequester;

    public AgentActor(AgentIdentity identity, CheckRunner runner, int maxBatchChecks)
        : this(identity, runner, maxBatchChecks, TimeSpan.Zero, new IdleTrimSchedule(TimeSpan.Zero, TimeSpan.Zero))
    {
    }

    /// <param name="progressInterval">How often a running batch with nothing sent says it is still at work; zero: never.</param>
    /// <param name="trims">When an idle agent gives memory back (<see cref="MemoryTrim"/>).</param>
    public AgentActor(AgentIdentity identity, CheckRunner runner, int maxBatchChecks, TimeSpan progressInterval, IdleTrimSchedule trims)
    {
        this.identity = identity;
        this.runner = runner;
        this.maxBatchChecks = maxBatchChecks;
        this.progressInterval = progressInterval;
        this.trims = trims;

        Receive<Hello>(hello => Sender.Tell(new HelloReply(ProtocolVersion.Current, identity.Name, identity.Zone, identity.Host, VersionProblem(hello.Version))));
        Receive<RunBatch>(Start);
        Receive<ResultReady>(r =>
        {
            if (running.TryGetValue(r.RunId, out var batch))
            {
                batch.Count(r.Result.Status);
                batch.Unsent.Add(r.Result);
                if (batch.Unsent.Count >= MaxResultsPerMessage)
                {
                    Send(batch);
                }
                else if (!batch.SendScheduled)
                {
                    batch.SendScheduled = true;
                    // Not an Akka timer: the agent's scheduler ticks coarsely (akka.scheduler.tick-duration in
                    // agent.hocon, for idle CPU), which would hold every result for a tick. A stale
                    // delay firing early for later results only sends them sooner.
                    var self = Self;
                    var send = new SendResults(r.RunId);
                    _ = Task.Delay(ResultsDelay).ContinueWith(_ => self.Tell(send), TaskScheduler.Default);
                }
            }
        });
        Receive<SendResults>(s =>
        {
            if (running.TryGetValue(s.RunId, out var batch))
            {
                Send(batch);
            }
        });
        Receive<Progress>(p =>
        {
            if (!running.TryGetValue(p.RunId, out var batch))
            {
                return;
            }

            if (!batch.SentSinceProgress && !batch.SendScheduled)
            {
                batch.Requester.Tell(new CheckResults(p.RunId, []));
            }

            batch.SentSinceProgress = false;
        });
        Receive<Trim>(_ =>
        {
            if (running.Count == 0)
            {
                MemoryTrim.Now();
                if (trims.AfterTrim() is { } again)
                {
                    Timers.StartSingleTimer("trim", Trim.Instance, again);
                }
            }
        });
        Receive<BatchFinished>(Finish);
        Receive<Drain>(_ =>
        {
            drainRequester = Sender;
            if (running.Count > 0)
            {
                log.Info("finishing {0} running batch(es) before the restart to rejoin; taking no new one", running.Count);
            }

            ReplyIfDrained();
        });
        Receive<CancelBatch>(c => Cancel(c.RunId, "the coordinator asked (deadline passed or run interrupted)"));
        // A killed coordinator closes its connection: cancel at once rather than after the watch's
        // failure detector pause, which is what a silent (frozen, unplugged) coordinator costs. Akka
        // gives up a silent peer's association too, so either event may come first.
        Receive<DisassociatedEvent>(e => CancelFrom(b => b.Requester.Path.Address.Equals(e.RemoteAddress), CoordinatorGone));
        Receive<Terminated>(t => CancelFrom(b => b.Requester.Equals(t.ActorRef), CoordinatorGone));
    }

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
        TrimWhenIdle();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(AgentIdentity identity, CheckRunner runner, int maxBatchChecks) =>
        Props(identity, runner, maxBatchChecks, TimeSpan.Zero);

    public static Props Props(AgentIdentity identity, CheckRunner runner, int maxBatchChecks, TimeSpan progressInterval, IdleTrimSchedule? trims = null) =>
        Akka.Actor.Props.Create<AgentActor>(identity, runner, maxBatchChecks, progressInterval, trims ?? new IdleTrimSchedule(TimeSpan.Zero, TimeSpan.Zero));

    protected override void PostStop()
    {
        Context.System.EventStream.Unsubscribe(Self);
        foreach (var batch in running.Values)
        {
            batch.Cancellation.Cancel();
            batch.Cancellation.Dispose();
        }
    }

    private void Start(RunBatch batch)
    {
        var refusal = (drainRequester is not null ? $"agent {identity.Name} is restarting to rejoin its cluster" : null)
            ?? VersionProblem(batch.Version)
            ?? (batch.Zone != identity.Zone ? $"agent {identity.Name} is in zone {identity.Zone}, not {batch.Zone}" : null)
            ?? (batch.Checks.Count > maxBatchChecks ? $"batch of {batch.Checks.Count} checks exceeds max-batch-checks {maxBatchChecks}" : null)
            ?? (running.ContainsKey(batch.RunId) ? $"batch {batch.RunId} is already running" : null)
            ?? UnknownType(batch);
        if (refusal is not null)
        {
            log.Warning("refused batch {0} from {1}: {2}", batch.RunId, Sender.Path.Address, refusal);
            Sender.Tell(new BatchRejected(batch.RunId, refusal));
            return;
        }

        var requester = Sender;
        var state = new RunningBatch(batch.RunId, requester, batch.Checks.Count, new CancellationTokenSource(), Stopwatch.StartNew());
        running[batch.RunId] = state;
        Context.Watch(requester);
        if (progressInterval > TimeSpan.Zero)
        {
            Timers.StartPeriodicTimer(ProgressTimer(batch.RunId), new Progress(batch.RunId), progressInterval);
        }

        var self = Self;
        var vantage = new Vantage(identity.Zone, identity.Name);
        runner.WithDefaultTimeout(TimeSpan.FromSeconds(batch.DefaultTimeoutSeconds)).RunAsync(batch.Checks, vantage, result =>
            {
                self.Tell(new ResultReady(batch.RunId, result));
                return ValueTask.CompletedTask;
            }, state.Cancellation.Token)
            .ContinueWith(t => new BatchFinished(batch.RunId, t.Exception?.GetBaseException().Message), TaskScheduler.Default)
            .PipeTo(self);
    }

    private void Finish(BatchFinished finished)
    {
        if (!running.Remove(finished.RunId, out var batch))
        {
            return;
        }

        Timers.Cancel(ProgressTimer(finished.RunId));
        Send(batch);
        batch.Requester.Tell(new BatchCompleted(finished.RunId, batch.Reported));
        var other = batch.Reported - batch.Ok - batch.Failed;
        var error = finished.Error is null ? "" : $" (error: {finished.Error})";
        log.Info($"batch {batch.RunId} from {batch.Requester.Path.Address}: {batch.Total} checks, {batch.Ok} ok, {batch.Failed} failed, {other} other in {batch.Watch.ElapsedMilliseconds} ms{error}");
        batch.Cancellation.Dispose();
        TrimWhenIdle();
        if (running.Values.All(b => !b.Requester.Equals(batch.Requester)))
        {
            Context.Unwatch(batch.Requester);
        }

        ReplyIfDrained();
    }

    private void CancelFrom(Func<RunningBatch, bool> requesterGone, string why)
    {
        foreach (var batch in running.Values.Where(requesterGone).ToList())
        {
            Cancel(batch.RunId, why);
        }
    }

    private void Cancel(string runId, string why)
    {
        if (running.Remove(runId, out var batch))
        {
            Timers.Cancel(ProgressTimer(runId));
            batch.Cancellation.Cancel();
            batch.Cancellation.Dispose();
            TrimWhenIdle();
            log.Info("batch {0} from {1} cancelled: {2}; {3} of {4} checks had finished, the rest stopped and their sockets closed", runId, batch.Requester.Path.Address, why, batch.Reported, batch.Total);
            ReplyIfDrained();
        }
    }

    private void ReplyIfDrained()
    {
        if (drainRequester is not null && running.Count == 0)
        {
            drainRequester.Tell(Drained.Instance);
        }
    }

    private string CoordinatorGone =>
        $"the coordinator is gone (its connection closed, or it sent no heartbeat for {Context.System.Settings.Config.GetTimeSpan("akka.remote.watch-failure-detector.acceptable-heartbeat-pause", TimeSpan.FromSeconds(10)).TotalSeconds:0.#}s)";

    private static string ProgressTimer(string runId) => $"progress-{runId}";

    // (Re)starts the countdown: a batch arriving meanwhile makes the trim a no-op, its end restarts it.
    private void TrimWhenIdle()
    {
        if (running.Count == 0 && trims.AfterWork() is { } after)
        {
            Timers.StartSingleTimer("trim", Trim.Instance, after);
        }
    }

    // Results are streamed, but those finishing within a few milliseconds travel together.
    private static void Send(RunningBatch batch)
    {
        batch.SendScheduled = false;
        if (batch.Unsent.Count == 0)
        {
            return;
        }

        batch.SentSinceProgress = true;
        batch.Requester.Tell(batch.Unsent.Count == 1 ? new CheckCompleted(batch.RunId, batch.Unsent[0]) : new CheckResults(batch.RunId, batch.Unsent.ToArray()));
        batch.Unsent.Clear();
    }

    private static string? VersionProblem(int version) =>
        version == ProtocolVersion.Current ? null : $"protocol version {version} is not supported (this agent speaks version {ProtocolVersion.Current})";

    private static string? UnknownType(RunBatch batch) =>
        batch.Checks.Select(c => c.Type).FirstOrDefault(t => CheckTypes.Default.Find(t) is null) is { } type
            ? $"this agent has no check type '{type}' (upgrade it)"
            : null;

    private sealed class RunningBatch(string runId, IActorRef requester, int total, CancellationTokenSource cancellation, Stopwatch watch)
    {
        public string RunId { get; } = runId;
        public IActorRef Requester { get; } = requester;
        public int Total { get; } = total;
        public CancellationTokenSource Cancellation { get; } = cancellation;
        public Stopwatch Watch { get; } = watch;
        public int Reported { get; private set; }
        public int Ok { get; private set; }
        public int Failed { get; private set; }

        public List<CheckResult> Unsent { get; } = [];

        public bool SendScheduled { get; set; }

        public bool SentSinceProgress { get; set; }

        public void Count(CheckStatus status)
        {
            Reported++;
            Ok += status == CheckStatus.Ok ? 1 : 0;
            Failed += status == CheckStatus.Failed ? 1 : 0;
        }
    }

    /// <summary>Asks the agent to take no new batch and to answer <see cref="Drained"/> once the running ones are done.</summary>
    public sealed record Drain : INoSerializationVerificationNeeded
    {
        public static Drain Instance { get; } = new();
    }

    public sealed record Drained : INoSerializationVerificationNeeded
    {
        public static Drained Instance { get; } = new();
    }

    private sealed record ResultReady(string RunId, CheckResult Result) : INoSerializationVerificationNeeded;

    private sealed record SendResults(string RunId) : INoSerializationVerificationNeeded;

    private sealed record Progress(string RunId) : INoSerializationVerificationNeeded;

    private sealed class Trim : INoSerializationVerificationNeeded
    {
        public static Trim Instance { get; } = new();
    }

    private sealed record BatchFinished(string RunId, string? Error) : INoSerializationVerificationNeeded;
}
