using Akka.Actor;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Running;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;
using ConnCheck.Protocol.Serialization;

namespace ConnCheck.Coordinator.Remote;

/// <summary>The agents a run can use: who answered, by zone, why the others did not, and how to reach them.</summary>
public sealed class RemoteAgents : IAsyncDisposable
{
    private readonly CoordinatorRemoting? remoting;

    private RemoteAgents(CoordinatorRemoting? remoting, IReadOnlyList<AgentContact> contacts, string? seedProblem, IReadOnlyList<SeedAnswer>? seedAnswers = null)
    {
        this.remoting = remoting;
        Contacts = contacts;
        SeedProblem = seedProblem;
        SeedAnswers = seedAnswers ?? [];
        Clusters = DiscoveredCluster.Merge(SeedAnswers);
        Live = contacts.Where(c => c.Info is not null).DistinctBy(c => c.Address)
            .GroupBy(c => c.Info!.Zone, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<AgentInfo>)g.Select(c => c.Info!).OrderBy(a => a.Name, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
    }

    public static RemoteAgents None(string why) => new(null, [], why);

    public IReadOnlyList<AgentContact> Contacts { get; }

    /// <summary>The clusters the seeds' answers make up: one per zone on a segmented network, one on a flat one.</summary>
    public IReadOnlyList<DiscoveredCluster> Clusters { get; }

    /// <summary>What each seed said, in the order given.</summary>
    public IReadOnlyList<SeedAnswer> SeedAnswers { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<AgentInfo>> Live { get; }

    public string? SeedProblem { get; }

    /// <summary>
    /// Why a zone has fewer live agents than it could: seeds that did not answer (all of them, or
    /// those of this zone and those of no zone), agents that did not.
    /// </summary>
    public string? ProblemFor(string zone)
    {
        var problems = Contacts.Where(c => c.Info is null && (c.ExpectedZone is null || c.ExpectedZone == zone)).Select(c => c.Problem!).ToList();
        if (SeedProblem is not null)
        {
            problems.Insert(0, SeedProblem);
        }
        else
        {
            var zoneSeeds = SeedAnswers.Where(a => a.Seed.Zone == zone).ToArray();
            // A failed seed that the membership also lists as an agent is already named below.
            var failed = SeedAnswers.Where(a => a.Problem is not null && (a.Seed.Zone is null || a.Seed.Zone == zone)
                && !Contacts.Any(c => c.Info is null && c.Address == a.Address)).ToArray();
            if (zoneSeeds.Length > 0 && zoneSeeds.All(a => a.Problem is not null))
            {
                problems.Insert(0, $"no seed of zone {zone} answered ({Describe(zoneSeeds)})");
            }
            else if (failed.Length > 0)
            {
                problems.Insert(0, $"seeds that did not answer: {Describe(failed)}");
            }
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    private static string Describe(IEnumerable<SeedAnswer> failed) => string.Join("; ", failed.Select(a => $"{a.HostPort}: {a.Problem}"));

    /// <summary>
    /// Agents of a zone that the membership or the command line named but that did not answer (or
    /// answered for another zone): on: all checks report them UNKNOWN instead of dropping a vantage point.
    /// </summary>
    public IReadOnlyList<UnansweredAgent> UnansweredIn(string zone) =>
        Contacts.Where(c => c.Info is null && c.ExpectedZone == zone && !Live.GetValueOrDefault(zone, []).Any(a => a.Address == c.Address))
            .Select(c => new UnansweredAgent(c.DisplayName, c.Problem!))
            .DistinctBy(a => a.Name)
            .ToArray();

    public IAgentDispatcher? Dispatcher(TimeSpan defaultTimeout) => remoting is null
        ? null
        : new AkkaAgentDispatcher(remoting, Contacts.Where(c => c.Ref is not null).DistinctBy(c => c.Address).ToDictionary(c => c.Address, c => c.Ref!), defaultTimeout);

    /// <summary>
    /// Starts the coordinator's remoting and finds the agents: seeds from --seed (else CONN_CHECK_SEEDS,
    /// else the config's agents.seeds), plus static --agent ZONE=HOST:PORT entries and the config's agents.static.
    /// </summary>
    /// <param name="timeEachHello">See <see cref="AgentDiscovery"/>: for a listing of round trips, not for a run.</param>
    public static async Task<RemoteAgents> ConnectAsync(
        IReadOnlyList<SeedRef> seeds, IReadOnlyList<StaticAgent> statics, string? bind, string? publicHostname, string? hoconFile, bool timeEachHello, CancellationToken cancellationToken)
    {
        if (seeds.Count == 0 && statics.Count == 0)
        {
            return None("no --seed or --agent given");
        }

        var remoting = CoordinatorRemoting.StartAsync(bind, publicHostname, hoconFile, seeds.Select(s => s.Address).Concat(statics.Select(s => s.Address)).ToArray(), cancellationToken);
        return await ConnectAsync(seeds, statics, remoting, timeEachHello, cancellationToken).ConfigureAwait(false);
    }

    /// <param name="remoting">The coordinator's remoting, possibly already starting; owned by the result from here on.</param>
    public static async Task<RemoteAgents> ConnectAsync(
        IReadOnlyList<SeedRef> seeds, IReadOnlyList<StaticAgent> statics, Task<CoordinatorRemoting> remoting, bool timeEachHello, CancellationToken cancellationToken)
    {
        // A core is free while remoting starts: the first messages' serializer contracts are built there
        // instead of between two round trips.
        _ = Task.Run(ProtocolSerializer.Prepare, CancellationToken.None);
        var current = await remoting.ConfigureAwait(false);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var agents = await ConnectAsync(seeds, statics, current, refused, timeEachHello, cancellationToken).ConfigureAwait(false);
            // Akka.Remote stops the whole ActorSystem when one TLS handshake it started fails, which
            // would leave every zone UNKNOWN because of one agent with a bad certificate: start again
            // without that agent (a few times at most; each costs a remoting start-up).
            if (current.TlsCulprit is not { } culprit || refused.ContainsKey(culprit) || refused.Count >= MaxTlsRestarts)
            {
                return agents;
            }

            refused[culprit] = RemoteRequest.TlsRefused;
            await current.DisposeAsync().ConfigureAwait(false);
            current = await current.StartAgainAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private const int MaxTlsRestarts = 5;

    private static async Task<RemoteAgents> ConnectAsync(
        IReadOnlyList<SeedRef> seeds, IReadOnlyList<StaticAgent> statics, CoordinatorRemoting remoting, IReadOnlyDictionary<string, string> refused, bool timeEachHello, CancellationToken cancellationToken)
    {
        try
        {
            var discovery = new AgentDiscovery(remoting, refused, timeEachHello);
            var candidates = new List<AgentCandidate>();
            string? seedProblem = null;
            IReadOnlyList<SeedAnswer> answers = [];
            if (seeds.Count > 0)
            {
                answers = await discovery.AskSeedsAsync(seeds, cancellationToken).ConfigureAwait(false);
                if (answers.All(a => a.Problem is not null))
                {
                    seedProblem = $"no seed answered ({Describe(answers)})";
                }

                // Members a seed sees as unreachable are greeted too: the coordinator's own path
                // decides, and a vantage point that cannot be reached must show up as UNKNOWN rather
                // than vanish from a report that would then pass.
                candidates.AddRange(answers.SelectMany(a => a.Members).DistinctBy(m => m.Address).Select(m => new AgentCandidate(m.Address, m.Zone, m.Name)));
                // A zone's seed is one of its agents: one that did not answer and that no other seed
                // lists (frozen, restarting) is UNKNOWN in that zone's report, never silently absent.
                // A zone where nothing answered keeps its one zone-level line, with its seeds' reasons.
                var zonesFound = candidates.Select(c => c.Zone).ToHashSet();
                var addressesFound = candidates.Select(c => c.Address).ToHashSet(StringComparer.Ordinal);
                candidates.AddRange(answers.Where(a => a.Problem is not null && a.Seed.Zone is not null && a.Address is not null
                        && zonesFound.Contains(a.Seed.Zone) && !addressesFound.Contains(a.Address))
                    .Select(a => new AgentCandidate(a.Address!, a.Seed.Zone)).ToArray());
            }

            foreach (var agent in statics)
            {
                candidates.Add(new AgentCandidate(remoting.AddressOf(agent.Address) ?? throw new ArgumentException($"bad agent address '{agent.Address}': expected HOST:PORT"), agent.Zone));
            }

            var contacts = await discovery.GreetAsync(candidates, cancellationToken).ConfigureAwait(false);
            return new RemoteAgents(remoting, contacts, seedProblem, answers);
        }
        catch
        {
            await remoting.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (remoting is not null)
        {
            await remoting.DisposeAsync().ConfigureAwait(false);
        }
    }
}
