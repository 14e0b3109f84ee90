using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Running;

/// <summary>A live agent as discovery or --agent reported it.</summary>
public sealed record AgentInfo(string Name, string Zone, string Address);

/// <summary>One check to run at one vantage point. <see cref="Agent"/> is null for the coordinator's own process.</summary>
public sealed record Assignment(CheckSpec Check, string Zone, AgentInfo? Agent)
{
    public string AgentName => Agent?.Name ?? (Zone == Zones.Local ? Zones.Local : RunPlan.SimulatedAgent);
}

/// <summary>An agent of a zone that could not be greeted, and why.</summary>
public sealed record UnansweredAgent(string Name, string Problem);

/// <summary>What runs where, and what cannot run at all (with the reason it is UNKNOWN).</summary>
public sealed record RunPlan(IReadOnlyList<Assignment> Assignments, IReadOnlyList<CheckResult> Unrunnable, IReadOnlyList<CheckResult> Skipped)
{
    public const string SimulatedAgent = "simulated";

    /// <summary>
    /// Splits checks by source zone. Each check runs on every live agent of each of its zones
    /// (on: all) or on one (on: any); zones with fewer live agents than they need yield UNKNOWN.
    /// With <paramref name="simulateZones"/> every zone runs in this process.
    /// </summary>
    public static RunPlan Create(
        IEnumerable<CheckSpec> checks,
        CheckSelection selection,
        IReadOnlyDictionary<string, IReadOnlyList<AgentInfo>> liveAgents,
        IReadOnlyDictionary<string, int> minAgents,
        bool simulateZones,
        Func<string, string?>? problemFor = null,
        Func<string, IReadOnlyList<UnansweredAgent>>? unansweredIn = null)
    {
        var assignments = new List<Assignment>();
        var unrunnable = new List<CheckResult>();
        var skipped = new List<CheckResult>();
        var nextAgent = new Dictionary<string, int>(StringComparer.Ordinal);

        foreach (var check in checks)
        {
            if (!selection.Includes(check))
            {
                skipped.Add(Result(check, check.From[0], null, CheckStatus.Skipped, "not selected"));
                continue;
            }

            foreach (var zone in check.From)
            {
                if (zone == Zones.Local || simulateZones)
                {
                    assignments.Add(new Assignment(check, zone, null));
                    continue;
                }

                var agents = liveAgents.GetValueOrDefault(zone) ?? [];
                var needed = Math.Max(1, minAgents.GetValueOrDefault(zone, 1));
                if (agents.Count < needed)
                {
                    var reason = agents.Count == 0
                        ? $"no agent in zone {zone}"
                        : $"zone {zone} has {agents.Count} live agent(s), needs {needed} (min_agents)";
                    if (problemFor?.Invoke(zone) is { } problem)
                    {
                        reason += $" ({problem})";
                    }

                    unrunnable.Add(Result(check, zone, null, CheckStatus.Unknown, reason));
                    continue;
                }

                if (check.On == RunOn.Any)
                {
                    // Spread on: any checks over the zone's agents.
                    var index = nextAgent.GetValueOrDefault(zone);
                    nextAgent[zone] = index + 1;
                    assignments.Add(new Assignment(check, zone, agents[index % agents.Count]));
                }
                else
                {
                    assignments.AddRange(agents.Select(agent => new Assignment(check, zone, agent)));
                    unrunnable.AddRange((unansweredIn?.Invoke(zone) ?? []).Select(lost => Result(check, zone, lost.Name, CheckStatus.Unknown, lost.Problem)));
                }
            }
        }

        return new RunPlan(assignments, unrunnable, skipped);
    }

    public static CheckResult Result(CheckSpec check, string zone, string? agent, CheckStatus status, string reason) => new()
    {
        CheckId = check.Id,
        Name = check.Name,
        Type = check.Type,
        Destination = check.Destination.ToString(),
        Status = status,
        Reason = reason,
        Zone = zone,
        Agent = agent,
    };
}
