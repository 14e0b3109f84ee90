using ConnCheck.Coordinator.History;
using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>Nagios plugin states, with their exit codes.</summary>
public enum RunStatus
{
    Ok = 0,
    Warning = 1,
    Critical = 2,
    Unknown = 3,
}

/// <summary>
/// Every result of a run, and what the run as a whole amounts to. <see cref="Checks"/> (the checks
/// as configured, for thresholds and reachable:) and <see cref="Agents"/> (live agents by zone) are
/// empty when the caller does not know them.
/// </summary>
public sealed record RunReport(
    IReadOnlyList<CheckResult> Results,
    TimeSpan Elapsed,
    DateTimeOffset StartedAt,
    bool ZonesSimulated = false,
    IReadOnlyList<CheckSpec>? Checks = null,
    IReadOnlyDictionary<string, IReadOnlyList<AgentInfo>>? Agents = null)
{
    private readonly Dictionary<int, CheckSpec> byId = (Checks ?? []).DistinctBy(c => c.Id).ToDictionary(c => c.Id);

    /// <summary>The configured check a result came from, if known.</summary>
    public CheckSpec? CheckOf(CheckResult result) => byId.GetValueOrDefault(result.CheckId);

    public IReadOnlyDictionary<string, IReadOnlyList<AgentInfo>> LiveAgents => Agents ?? new Dictionary<string, IReadOnlyList<AgentInfo>>();

    public IEnumerable<CheckResult> Ran => Results.Where(r => r.Status != CheckStatus.Skipped);

    public int Count(CheckStatus status) => Results.Count(r => r.Status == status);

    /// <summary>What --history found changed since the previous run of the same config; null without --history.</summary>
    public RunChanges? Changes { get; init; }

    /// <summary>CRITICAL beats UNKNOWN beats WARNING beats OK, as docs/exit-codes.md orders them; --warn-on-change makes changes at least WARNING.</summary>
    public RunStatus Status =>
        Count(CheckStatus.Failed) > 0 ? RunStatus.Critical
        : Count(CheckStatus.Unknown) > 0 ? RunStatus.Unknown
        : Count(CheckStatus.Warning) > 0 || ChangesWarn ? RunStatus.Warning
        : RunStatus.Ok;

    /// <summary>True when the run is WARNING only because paths changed under --warn-on-change.</summary>
    public bool ChangesWarn => Changes is { WarnOnChange: true, Count: > 0 };

    public int ExitCode => (int)Status;

    /// <summary>Results in report order: failed, warning, unknown, ok, skipped; grouped by destination within each.</summary>
    public IEnumerable<CheckResult> Ordered =>
        Results.OrderBy(r => r.Status)
            .ThenBy(r => r.Destination, StringComparer.Ordinal)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Zone, StringComparer.Ordinal)
            .ThenBy(r => r.Agent, StringComparer.Ordinal);
}
