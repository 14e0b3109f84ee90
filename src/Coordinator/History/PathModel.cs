using ConnCheck.Coordinator.Reporting;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.History;

/// <summary>A path's identity across runs: which check, from which zone, on which agent ("" when no agent ran it).</summary>
public sealed record PathKey(string Check, string Zone, string Agent)
{
    public static PathKey Of(CheckResult result) => new(result.Name, result.Zone, result.Agent ?? "");

    /// <summary>"zone/agent check" as the report labels results; just the check for the local zone.</summary>
    public string Label => Zone == Zones.Local && Agent.Length == 0 ? Check : $"{Zone}/{(Agent.Length == 0 ? "-" : Agent)} {Check}";
}

/// <summary>What the history knows of a path: its current status, since when, over how many runs.</summary>
public sealed record PathState(PathKey Path, CheckStatus Status, string? Reason, DateTimeOffset Since, long Streak, long LastRun);

/// <summary>A path that changed in this run; <see cref="Now"/> is null when the vantage point is gone, <see cref="Was"/> when it is new.</summary>
public sealed record PathChange(PathKey Path, CheckStatus? Was, CheckStatus? Now, string Text);

/// <summary>What the history made of a run: the changes, and when each path's current status began.</summary>
public sealed record RunChanges(
    IReadOnlyDictionary<PathKey, PathChange> Changed,
    IReadOnlyList<PathChange> Gone,
    IReadOnlyDictionary<PathKey, DateTimeOffset> Since,
    bool WarnOnChange)
{
    public int Count => Changed.Count + Gone.Count;

    public PathChange? For(CheckResult result) => Changed.GetValueOrDefault(PathKey.Of(result));
}

/// <summary>Status words as the report prints them, and back.</summary>
public static class StatusWords
{
    public static string Of(CheckStatus status) => ReportWords.Word(status);

    public static CheckStatus Parse(string word) => word switch
    {
        "OK" => CheckStatus.Ok,
        "FAILED" => CheckStatus.Failed,
        "WARNING" => CheckStatus.Warning,
        "SKIPPED" => CheckStatus.Skipped,
        _ => CheckStatus.Unknown,
    };
}
