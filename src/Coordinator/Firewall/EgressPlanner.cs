using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Firewall;

/// <summary>A zone whose checks got no rules, and why.</summary>
public sealed record UncoveredZone(string Zone, int Checks, string Reason);

/// <summary>The egress rules a config needs, and the zones it could not say anything for.</summary>
public sealed record EgressPlan(IReadOnlyList<EgressRule> Rules, IReadOnlyList<UncoveredZone> Uncovered);

/// <summary>
/// Turns checks into egress rules from the hosts that run them: every live agent of each zone a
/// check names (on: any may pick any of them), or this host for zone local. Checks that must NOT
/// connect (reachable: false) and unix-socket checks need no rule.
/// </summary>
public static class EgressPlanner
{
    /// <param name="localHost">The address this host uses toward a destination (HOST, PORT).</param>
    public static async Task<EgressPlan> PlanAsync(
        IEnumerable<CheckSpec> checks,
        IReadOnlyDictionary<string, IReadOnlyList<AgentInfo>> liveAgents,
        Func<string, int, Task<string>> localHost,
        Func<string, string?> problemFor)
    {
        var rules = new List<EgressRule>();
        var uncovered = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            var to = check.Destination;
            if (!check.Reachable || !to.Protocol.IsNetwork() || to.Port == 0)
            {
                continue;
            }

            foreach (var zone in check.From)
            {
                if (zone == Zones.Local)
                {
                    rules.Add(new EgressRule(await localHost(to.Host, to.Port).ConfigureAwait(false), to.Host, [to.Port], to.Protocol.Word(), zone));
                }
                else if (liveAgents.TryGetValue(zone, out var agents) && agents.Count > 0)
                {
                    rules.AddRange(agents.Select(a => new EgressRule(HostOf(a), to.Host, [to.Port], to.Protocol.Word(), zone)));
                }
                else
                {
                    uncovered[zone] = uncovered.GetValueOrDefault(zone) + 1;
                }
            }
        }

        var missing = uncovered.OrderBy(z => z.Key, StringComparer.Ordinal)
            .Select(z => new UncoveredZone(z.Key, z.Value, problemFor(z.Key) ?? "no live agent"))
            .ToArray();
        return new EgressPlan(EgressRule.Merge(rules), missing);
    }

    private static string HostOf(AgentInfo agent) =>
        AkkaAddress.TrySplit(AkkaAddress.HostPort(agent.Address), out var host, out _) ? host : agent.Address;
}
