using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Config;

/// <summary>A zone the config declares, with the number of live agents it needs and the seeds of its own cluster.</summary>
public sealed record ZoneSpec(string Name, int MinAgents = 1, IReadOnlyList<string>? Seeds = null);

/// <summary>Where to find agents, when the config says (overridden by --seed and --agent).</summary>
public sealed record AgentSources(IReadOnlyList<string> Seeds, IReadOnlyList<StaticAgent> Static)
{
    public static AgentSources None { get; } = new([], []);
}

/// <summary>An agent given by address rather than discovered (--agent ZONE=HOST:PORT).</summary>
public sealed record StaticAgent(string Zone, string Address);

/// <summary>A loaded, validated config: what to check and from where.</summary>
public sealed record ConnCheckConfig(
    string File,
    IReadOnlyList<CheckSpec> Checks,
    IReadOnlyDictionary<string, ZoneSpec> Zones,
    AgentSources Agents)
{
    /// <summary>
    /// The seeds to ask: <paramref name="commandLine"/> (--seed, CONN_CHECK_SEEDS) replace agents.seeds,
    /// and every zone's own seeds are asked as well (on a segmented network each zone is its own cluster).
    /// </summary>
    public IReadOnlyList<ConnCheck.Coordinator.Remote.SeedRef> SeedsToAsk(IReadOnlyList<string> commandLine) =>
        (commandLine.Count > 0 ? commandLine : Agents.Seeds).Select(s => new ConnCheck.Coordinator.Remote.SeedRef(s))
            .Concat(Zones.Values.SelectMany(z => (z.Seeds ?? []).Select(s => new ConnCheck.Coordinator.Remote.SeedRef(s, z.Name))))
            .ToArray();

    /// <summary>True when the config declares its zones, so from: must name one of them.</summary>
    public bool DeclaresZones => Zones.Count > 0;

    /// <summary>Fields accepted for the original's sake but ignored; printed on stderr, one line each.</summary>
    public IReadOnlyList<ConfigError> Warnings { get; init; } = [];
}
