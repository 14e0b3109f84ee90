using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.History;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// The words every output uses for states, and the one-line summary of a run (the Nagios status line
/// without its perfdata; JSON's run.summary; the HTML page's status line).
/// </summary>
public static class ReportWords
{
    public static string Word(CheckStatus status) => status switch
    {
        CheckStatus.Ok => "OK",
        CheckStatus.Failed => "FAILED",
        CheckStatus.Warning => "WARNING",
        CheckStatus.Unknown => "UNKNOWN",
        _ => "SKIPPED",
    };

    public static string Word(RunStatus status) => status switch
    {
        RunStatus.Ok => "OK",
        RunStatus.Warning => "WARNING",
        RunStatus.Critical => "CRITICAL",
        _ => "UNKNOWN",
    };

    /// <summary>"CONN-CHECK CRITICAL: 2 of 5 checks failed (batch 0/2, web 2/3) [1 skipped]", as docs/report.md words it.</summary>
    public static string Summary(RunReport report)
    {
        var ran = report.Ran.ToList();
        var failed = report.Count(CheckStatus.Failed);
        var unknown = report.Count(CheckStatus.Unknown);
        var warning = report.Count(CheckStatus.Warning);
        var skipped = report.Count(CheckStatus.Skipped);

        var summary = report.Status switch
        {
            RunStatus.Critical => $"{failed} of {ran.Count} checks failed",
            RunStatus.Unknown => $"{unknown} of {ran.Count} checks could not run",
            RunStatus.Warning when warning == 0 && report.Changes is { } changes => $"{Plural(changes.Count, "path")} changed",
            RunStatus.Warning => $"{warning} of {ran.Count} checks crossed a threshold",
            _ => ran.Count == 1 ? "1 check passed" : $"{ran.Count} checks passed",
        };

        var zones = ran.Select(r => r.Zone).Distinct().ToList();
        if (zones.Count > 1 || (zones.Count == 1 && zones[0] != Zones.Local))
        {
            var counted = report.Status switch
            {
                RunStatus.Unknown => CheckStatus.Unknown,
                RunStatus.Warning => CheckStatus.Warning,
                _ => CheckStatus.Failed,
            };
            var perZone = zones.Order(StringComparer.Ordinal)
                .Select(z => $"{z} {ran.Count(r => r.Zone == z && r.Status == counted)}/{ran.Count(r => r.Zone == z)}");
            summary += $" ({string.Join(", ", perZone)})";
        }

        var notes = new List<string>();
        if (report.Changes is { Count: > 0 } changed && !(report.Status == RunStatus.Warning && warning == 0))
        {
            notes.Add($"{changed.Count} changed");
        }

        if (report.Status == RunStatus.Critical && unknown > 0)
        {
            notes.Add($"{unknown} unknown");
        }

        if (skipped > 0)
        {
            notes.Add($"{skipped} skipped");
        }

        if (report.ZonesSimulated)
        {
            notes.Add("zones simulated locally");
        }

        return $"CONN-CHECK {Word(report.Status)}: {summary}" + (notes.Count > 0 ? $" [{string.Join(", ", notes)}]" : "");
    }

    /// <summary>One result as the report words it: name, state, what changed, why.</summary>
    public static string Outcome(CheckResult result, PathChange? change) =>
        result.Name + " " + Word(result.Status)
        + (change is { } c ? $" [CHANGED: {c.Text}]" : "")
        + (string.IsNullOrEmpty(result.Reason) ? "" : " - " + result.Reason);

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
