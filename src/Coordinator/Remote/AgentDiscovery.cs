using Akka.Actor;
using ConnCheck.Coordinator.Running;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;

namespace ConnCheck.Coordinator.Remote;

/// <summary>An agent the coordinator tried to reach: its identity and handle if it answered, else why not.</summary>
public sealed record AgentContact(string Address, string? ExpectedZone, AgentInfo? Info, IActorRef? Ref, string? Problem, double? RoundTripMs = null);

/// <summary>Finds agents: asks seeds for the membership, then greets every agent directly.</summary>
public sealed class AgentDiscovery(CoordinatorRemoting remoting)
{
    /// <summary>Asks each seed in turn for the agents it sees; the first answer wins.</summary>
    public async Task<(IReadOnlyList<AgentEntry> Agents, string? Problem)> ListAsync(IReadOnlyList<string> seeds, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var seed in seeds)
        {
            var address = AkkaAddress.Normalize(seed);
            if (address is null)
            {
                failures.Add($"{seed}: not HOST:PORT");
                continue;
            }

            try
            {
                var reply = await AskAsync<AgentList>(remoting.System.ActorSelection($"{address}/user/directory"), new GetAgents(ProtocolVersion.Current), cancellationToken).ConfigureAwait(false);
                if (reply.Refusal is not null)
                {
                    failures.Add($"{AkkaAddress.HostPort(address)} refused: {reply.Refusal}");
                    continue;
                }

                return (reply.Agents, null);
            }
            catch (Exception ex) when (ex is AskTimeoutException or TimeoutException or ActorNotFoundException)
            {
                failures.Add($"{AkkaAddress.HostPort(address)} did not answer within {remoting.DiscoveryTimeout.TotalSeconds:0.#}s");
            }
        }

        return ([], $"no seed answered ({string.Join("; ", failures)})");
    }

    /// <summary>Says hello to every candidate at once; each answers with its name and zone, or does not.</summary>
    public async Task<IReadOnlyList<AgentContact>> GreetAsync(IEnumerable<(string Address, string? Zone)> candidates, CancellationToken cancellationToken)
    {
        var greetings = candidates.DistinctBy(c => c.Address).Select(c => GreetAsync(c.Address, c.Zone, cancellationToken));
        return await Task.WhenAll(greetings).ConfigureAwait(false);
    }

    private async Task<AgentContact> GreetAsync(string address, string? expectedZone, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var agent = await remoting.System.ActorSelection($"{address}/user/agent")
                .ResolveOne(remoting.DiscoveryTimeout, cancellationToken)
                .WaitAsync(remoting.DiscoveryTimeout + TimeSpan.FromMilliseconds(200), cancellationToken)
                .ConfigureAwait(false);
            var hello = await AskAsync<HelloReply>(agent, new Hello(ProtocolVersion.Current), cancellationToken).ConfigureAwait(false);
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

            return new AgentContact(address, expectedZone, new AgentInfo(hello.Name, hello.Zone, address), agent, null, started.Elapsed.TotalMilliseconds);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TimeoutException or ActorNotFoundException)
        {
            return new AgentContact(address, expectedZone, null, null, $"agent at {AkkaAddress.HostPort(address)} did not answer within {remoting.DiscoveryTimeout.TotalSeconds:0.#}s");
        }
    }

    private async Task<T> AskAsync<T>(ICanTell target, object message, CancellationToken cancellationToken)
    {
        var ask = target.Ask<T>(message, remoting.DiscoveryTimeout, cancellationToken);
        var finished = await Task.WhenAny(ask, remoting.System.WhenTerminated).ConfigureAwait(false);
        if (finished != ask)
        {
            throw new TimeoutException("the coordinator's remoting stopped (TLS handshake refused?)");
        }

        return await ask.ConfigureAwait(false);
    }
}
