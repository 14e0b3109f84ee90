using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using ConnCheck.Agent.Actors;
using ConnCheck.Agent.Membership;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Agent;

/// <summary>
/// Runs the agent until it is told to stop. If the cluster removes this agent (downed after a
/// partition, or the ActorSystem died), a fresh ActorSystem is started and rejoins: the process
/// never exits because of cluster events.
/// </summary>
public sealed class AgentHost(AgentOptions options, TextWriter log)
{
    private static readonly TimeSpan ShutdownLimit = TimeSpan.FromSeconds(10);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var config = AgentConfig.Build(options);
        var security = TransportSecurity.FromConfig(config);
        var allowlist = AgentConfig.Allowlist(config, options);
        var incarnation = 0;
        var quickRestarts = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await WaitForPortAsync(first: incarnation == 0, cancellationToken).ConfigureAwait(false);
            incarnation++;
            var system = TransportSecurity.CreateSystem(AkkaAddress.SystemName, config, security);
            var cluster = Akka.Cluster.Cluster.Get(system);
            var runner = new CheckRunner(CheckTypes.Default, new RunnerOptions
            {
                MaxConcurrency = system.Settings.Config.GetInt("conn-check.agent.max-concurrency", 1024),
                Allowlist = allowlist,
            });
            var identity = new AgentIdentity(options.Name, options.Zone, options.AdvertisedHost);
            var progress = system.Settings.Config.GetTimeSpan("conn-check.agent.progress-interval", TimeSpan.FromSeconds(2));
            var trims = new IdleTrimSchedule(
                system.Settings.Config.GetTimeSpan("conn-check.agent.idle-trim-after", TimeSpan.FromSeconds(5)),
                system.Settings.Config.GetTimeSpan("conn-check.agent.idle-retrim-after", TimeSpan.FromSeconds(30)));
            var agent = system.ActorOf(AgentActor.Props(identity, runner, system.Settings.Config.GetInt("conn-check.agent.max-batch-checks", 50_000), progress, trims), "agent");
            system.ActorOf(DirectoryActor.Props(cluster), "directory");

            var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cluster.RegisterOnMemberRemoved(() => removed.TrySetResult());
            // Restart on the start of a shutdown, not its end (see ShutdownWatch).
            var stopping = ShutdownWatch.Started(system);
            var started = DateTime.UtcNow;
            system.ActorOf(Props.Create<QuarantineListener>(removed), "quarantine-listener");
            var seedAddresses = options.Seeds.Select(s => AkkaAddress.Normalize(s, TransportSecurity.IsEnabled(config))!).ToArray();
            // Its own signal: only an island (every part of this incarnation still working) is drained first.
            var island = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(SeedWatch.Props(cluster, seedAddresses, system.Settings.Config.GetTimeSpan("conn-check.agent.seed-check-interval", TimeSpan.FromSeconds(5)), island), "seed-watch");
            var seedsElsewhere = seedAddresses.Select(Address.Parse).Where(a => !a.Equals(cluster.SelfAddress)).ToArray();
            if (seedsElsewhere.Length > 0)
            {
                var retry = system.Settings.Config.GetTimeSpan("akka.cluster.retry-unsuccessful-join-after", TimeSpan.FromSeconds(5));
                var warnAfter = system.Settings.Config.GetTimeSpan("conn-check.agent.seed-warning-after", TimeSpan.FromSeconds(20));
                system.ActorOf(JoinWatch.Props(cluster, seedsElsewhere, warnAfter, retry), "join-watch");
            }

            if (options.Seeds.Count == 0)
            {
                // No seeds: a cluster of one, so discovery through this agent still works.
                cluster.Join(cluster.SelfAddress);
            }

            system.Log.Info(
                "agent {0} (zone {1}) listening on {2}; seeds: {3}; allowlist: {4}",
                options.Name, options.Zone, cluster.SelfAddress, options.Seeds.Count == 0 ? "none (standalone)" : string.Join(", ", options.Seeds),
                allowlist is null ? "none (any destination)" : string.Join(", ", allowlist.Rules));

            var stop = Task.Delay(Timeout.Infinite, cancellationToken);
            var finished = await Task.WhenAny(removed.Task, island.Task, stopping, stop).ConfigureAwait(false);
            if (finished == stop)
            {
                system.Log.Info("stopping: leaving the cluster");
                await LeaveAsync(system, cluster).ConfigureAwait(false);
                break;
            }

            if (finished == island.Task)
            {
                await DrainAsync(system, agent, stopping).ConfigureAwait(false);
            }

            // A restart that keeps failing at once (a seed whose certificate is not trusted) backs off
            // instead of hammering the seed and the log.
            quickRestarts = DateTime.UtcNow - started < TimeSpan.FromSeconds(30) ? quickRestarts + 1 : 0;
            var pause = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, Math.Min(quickRestarts, 5) - 1)));
            var reason = ShutdownWatch.TlsFailure(system) is { } tls ? $"{tls} (see conn-check.tls)"
                : removed.Task.IsCompleted || island.Task.IsCompleted || CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterLeavingReason
                    ? "this agent was removed from the cluster"
                    : "the ActorSystem stopped";
            system.Log.Warning("{0}; restarting to rejoin in {1:0.#}s", reason, pause.TotalSeconds);
            await system.Terminate().WaitAsync(ShutdownLimit, CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            await Task.Delay(pause, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// An agent on an island (its seed came back as a new cluster) is otherwise healthy: the
    /// coordinators it runs batches for still reach it. It finishes those batches first, taking no
    /// new one, for at most conn-check.agent.rejoin-drain-limit, or until its ActorSystem stops.
    /// </summary>
    private static async Task DrainAsync(ActorSystem system, IActorRef agent, Task stopping)
    {
        var limit = system.Settings.Config.GetTimeSpan("conn-check.agent.rejoin-drain-limit", TimeSpan.FromSeconds(60));
        var drained = agent.Ask<AgentActor.Drained>(AgentActor.Drain.Instance, limit);
        var first = await Task.WhenAny(drained, stopping).ConfigureAwait(false);
        if (first != drained || !drained.IsCompletedSuccessfully)
        {
            system.Log.Warning("restarting with batches still running: {0}", first == stopping ? "the ActorSystem is stopping" : $"they did not finish within {limit.TotalSeconds:0.#}s (conn-check.agent.rejoin-drain-limit)");
        }
    }

    private static async Task LeaveAsync(ActorSystem system, Akka.Cluster.Cluster cluster)
    {
        try
        {
            await cluster.LeaveAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            system.Log.Warning("could not leave the cluster gracefully; stopping anyway");
        }

        await system.Terminate().WaitAsync(ShutdownLimit).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
    }

    /// <summary>
    /// DotNetty lets two processes bind the same port without complaint, so check first: another
    /// agent already on this port is an error at start, and a restart waits for the old socket.
    /// </summary>
    private async Task WaitForPortAsync(bool first, CancellationToken cancellationToken)
    {
        var address = options.BindHost is "0.0.0.0" ? IPAddress.Any : options.BindHost is "::" ? IPAddress.IPv6Any : (await Dns.GetHostAddressesAsync(options.BindHost, cancellationToken).ConfigureAwait(false))[0];
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = true };
                probe.Bind(new IPEndPoint(address, options.BindPort));
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                if (first || attempt >= 20)
                {
                    throw new InvalidOperationException($"cannot listen on {AkkaAddress.Join(options.BindHost, options.BindPort)}: the port is already in use (another agent?)");
                }

                await log.WriteLineAsync($"waiting for port {options.BindPort} to be released").ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
