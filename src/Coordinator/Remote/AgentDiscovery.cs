using Akka.Actor;
using ConnCheck.Coordinator.Running;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Coordinator.Remote;

/// <summary>An agent the coordinator tried to reach: its identity and handle if it answered, else why not.</summary>
/// <param name="ExpectedName">The name the membership gave it, when it came from a seed.</param>
public sealed record AgentContact(string Address, string? ExpectedZone, AgentInfo? Info, IActorRef? Ref, string? Problem, double? RoundTripMs = null, string? ExpectedName = null)
{
    /// <summary>How a report names it: its own name if it answered, else the membership's, else its address.</summary>
    public string DisplayName => Info?.Name ?? ExpectedName ?? AkkaAddress.HostPort(Address);
}

/// <summary>A seed to ask for its cluster's membership; <paramref name="Zone"/> when the config lists it under that zone.</summary>
public sealed record SeedRef(string Address, string? Zone = null);

/// <summary>What one seed said: the members it sees, or why it did not answer.</summary>
/// <param name="Contacted">The transport was tried (greeting the seed again would only meet Akka's retry gate).</param>
/// <param name="Address">The seed's Akka address, when <see cref="SeedRef.Address"/> parsed as one.</param>
public sealed record SeedAnswer(SeedRef Seed, string? Address, IReadOnlyList<AgentEntry> Members, string? Problem, bool Contacted = false)
{
    public string HostPort => Address is null ? Seed.Address : AkkaAddress.HostPort(Address);
}

/// <summary>An agent to greet: where, and what the membership (or the command line) says it is.</summary>
public sealed record AgentCandidate(string Address, string? Zone, string? Name = null);

/// <summary>Finds agents: asks seeds for the membership, then greets every agent directly.</summary>
/// <param name="refused">Peers not to contact again (HOST:PORT as <see cref="CoordinatorRemoting.Bare"/> writes it), with why.</param>
/// <param name="timeEachHello">
/// Greet every agent only once the membership is in, so that each hello's round trip is its own
/// (<c>conn-check agents</c> shows it). Otherwise a seed is greeted together with the membership request.
/// </param>
public sealed class AgentDiscovery(CoordinatorRemoting remoting, IReadOnlyDictionary<string, string>? refused = null, bool timeEachHello = false)
{
    // Seeds that failed, by address: greeting one again right after would only meet Akka's retry
    // gate, which answers Identify as if no agent were there.
    private readonly Dictionary<string, string> failedSeeds = new(StringComparer.Ordinal);

    // Hellos sent to seeds beside their membership request, by address. A seed is one of its zone's
    // agents, so the membership nearly always lists it: its greeting then costs no round trip of its own.
    private readonly Dictionary<string, Task<Greeting>> seedHellos = new(StringComparer.Ordinal);

    private sealed record Greeting(HelloReply? Reply, IActorRef? Agent, string? Problem, double RoundTripMs);

    private string? RefusedProblem(string address) =>
        refused is not null && refused.TryGetValue(CoordinatorRemoting.Bare(address), out var why) ? why : null;

    /// <summary>
    /// Asks every seed at once for the membership it sees (one discovery timeout in all, not one per
    /// seed): agents in firewalled zones form one cluster per zone, so each seed may know other agents.
    /// </summary>
    public async Task<IReadOnlyList<SeedAnswer>> AskSeedsAsync(IReadOnlyList<SeedRef> seeds, CancellationToken cancellationToken)
    {
        if (!timeEachHello)
        {
            foreach (var address in seeds.Select(s => remoting.AddressOf(s.Address)).OfType<string>().Where(a => RefusedProblem(a) is null))
            {
                seedHellos.TryAdd(address, HelloAsync(address, cancellationToken));
            }
        }

        var answers = await Task.WhenAll(seeds.DistinctBy(s => (s.Address, s.Zone)).Select(s => AskSeedAsync(s, cancellationToken))).ConfigureAwait(false);
        foreach (var failed in answers.Where(a => a.Problem is not null && a.Address is not null && a.Contacted))
        {
            failedSeeds.TryAdd(failed.Address!, failed.Problem!);
        }

        return answers;
    }

    private async Task<SeedAnswer> AskSeedAsync(SeedRef seed, CancellationToken cancellationToken)
    {
        var address = remoting.AddressOf(seed.Address);
        if (address is null)
        {
            return new SeedAnswer(seed, null, [], "not HOST:PORT");
        }

        if (RefusedProblem(address) is { } refusal)
        {
            return new SeedAnswer(seed, address, [], refusal, Contacted: true);
        }

        try
        {
            var (reply, _) = await AskAsync<AgentList>($"{address}/user/directory", new GetAgents(ProtocolVersion.Current), cancellationToken).ConfigureAwait(false);
            return reply.Refusal is not null
                ? new SeedAnswer(seed, address, [], $"refused: {reply.Refusal}")
                : new SeedAnswer(seed, address, reply.Agents, null);
        }
        catch (Exception ex) when (ex is TimeoutException or PeerUnreachableException or InvalidCastException)
        {
            return new SeedAnswer(seed, address, [], ex.Message, Contacted: true);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new SeedAnswer(seed, address, [], "no answer before the run's deadline");
        }
    }

    /// <summary>Says hello to every candidate at once; each answers with its name and zone, or does not.</summary>
    public async Task<IReadOnlyList<AgentContact>> GreetAsync(IEnumerable<AgentCandidate> candidates, CancellationToken cancellationToken)
    {
        var greetings = candidates.DistinctBy(c => (c.Address, c.Zone)).Select(async c =>
            await GreetAsync(c.Address, c.Zone, cancellationToken).ConfigureAwait(false) with { ExpectedName = c.Name });
        return await Task.WhenAll(greetings).ConfigureAwait(false);
    }

    private async Task<AgentContact> GreetAsync(string address, string? expectedZone, CancellationToken cancellationToken)
    {
        if ((failedSeeds.GetValueOrDefault(address) ?? RefusedProblem(address)) is { } seedFailure)
        {
            return new AgentContact(address, expectedZone, null, null, $"agent at {AkkaAddress.HostPort(address)} unreachable: {seedFailure}");
        }

        var greeting = await (seedHellos.GetValueOrDefault(address) ?? HelloAsync(address, cancellationToken)).ConfigureAwait(false);
        if (greeting.Reply is not { } hello)
        {
            return new AgentContact(address, expectedZone, null, null, greeting.Problem);
        }

        var hostPort = AkkaAddress.HostPort(address);
        if (hello.Refusal is not null || hello.Version != ProtocolVersion.Current)
        {
            var why = hello.Refusal ?? $"agent speaks protocol version {hello.Version}, this coordinator {ProtocolVersion.Current}";
            return new AgentContact(address, expectedZone, null, null, $"agent {hello.Name} at {hostPort} refuses: {why}");
        }

        if (expectedZone is not null && expectedZone != hello.Zone)
        {
            return new AgentContact(address, expectedZone, null, null, $"agent {hello.Name} at {hostPort} is in zone {hello.Zone}, not {expectedZone}");
        }

        return new AgentContact(address, expectedZone, new AgentInfo(hello.Name, hello.Zone, address), greeting.Agent, null, greeting.RoundTripMs);
    }

    /// <summary>One hello and its answer (or why there was none); the answer's sender is the agent's actor.</summary>
    private async Task<Greeting> HelloAsync(string address, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var (hello, agent) = await AskAsync<HelloReply>($"{address}/user/agent", new Hello(ProtocolVersion.Current), cancellationToken).ConfigureAwait(false);
            return new Greeting(hello, agent, null, started.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is TimeoutException or PeerUnreachableException or InvalidCastException)
        {
            return new Greeting(null, null, $"agent at {AkkaAddress.HostPort(address)} unreachable: {ex.Message}", 0);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new Greeting(null, null, $"agent at {AkkaAddress.HostPort(address)} did not answer before the run's deadline", 0);
        }
    }

    private async Task<(T Answer, IActorRef From)> AskAsync<T>(string path, object message, CancellationToken cancellationToken)
    {
        var (answer, from) = await RemoteRequest.AskAsync(remoting, remoting.System.ActorSelection(path), message, remoting.DiscoveryTimeout, cancellationToken).ConfigureAwait(false);
        return answer is T typed ? (typed, from) : throw new InvalidCastException($"unexpected answer {answer.GetType().Name}");
    }
}
