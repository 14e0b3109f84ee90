using System.Globalization;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.History;

/// <summary>
/// Compares a run's results with the paths the previous runs of the same config left, and words each
/// change as the report prints it: "was OK for 3d 4h", "newly reachable: must be closed", "vantage point new".
/// </summary>
public static class ChangeDetector
{
    /// <param name="previous">The paths of the config as the history holds them; empty on the config's first run.</param>
    /// <param name="mustBeClosed">Whether a result comes from a reachable: false check.</param>
    /// <param name="hadRuns">False on the config's first run, which has nothing to compare with.</param>
    public static IReadOnlyList<PathChange> Detect(
        IReadOnlyDictionary<PathKey, PathState> previous, IReadOnlyList<CheckResult> results, Func<CheckResult, bool> mustBeClosed, DateTimeOffset now, bool hadRuns)
    {
        if (!hadRuns)
        {
            return [];
        }

        var changes = new List<PathChange>();
        var seen = new HashSet<PathKey>();
        foreach (var result in results)
        {
            var key = PathKey.Of(result);
            seen.Add(key);
            if (!previous.TryGetValue(key, out var before))
            {
                changes.Add(new PathChange(key, null, result.Status, "vantage point new"));
            }
            else if (before.Status != result.Status)
            {
                changes.Add(new PathChange(key, before.Status, result.Status, Text(before, result, mustBeClosed(result), now)));
            }
        }

        foreach (var gone in previous.Values.Where(p => !seen.Contains(p.Path)).OrderBy(p => p.Path.Label, StringComparer.Ordinal))
        {
            changes.Add(new PathChange(gone.Path, gone.Status, null, $"vantage point gone, was {StatusWords.Of(gone.Status)} for {Span(now - gone.Since)}"));
        }

        return changes;
    }

    private static string Text(PathState before, CheckResult now, bool mustBeClosed, DateTimeOffset at)
    {
        var span = Span(at - before.Since);
        return mustBeClosed switch
        {
            true when now.Status == CheckStatus.Failed && before.Status == CheckStatus.Ok => $"newly reachable: must be closed, was closed for {span}",
            true when now.Status == CheckStatus.Ok && before.Status == CheckStatus.Failed => $"closed again, was reachable for {span}",
            _ => $"was {StatusWords.Of(before.Status)} for {span}",
        };
    }

    /// <summary>The two largest units: "3d 4h", "5h 12m", "7m 3s", "12s".</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var c = CultureInfo.InvariantCulture;
        return span.TotalDays >= 1 ? string.Create(c, $"{(int)span.TotalDays}d {span.Hours}h")
            : span.TotalHours >= 1 ? string.Create(c, $"{span.Hours}h {span.Minutes}m")
            : span.TotalMinutes >= 1 ? string.Create(c, $"{span.Minutes}m {span.Seconds}s")
            : string.Create(c, $"{span.Seconds}s");
    }
}
