using System.Globalization;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.History;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// The Nagios plugin format of DESIGN.md §5: a status line with run perfdata, then one line per
/// result, worst first, then (with --matrix) the zone matrix, then per-result perfdata after a '|' as the
/// plugin guidelines lay out multi-line output. With -U the result lines stream as they finish and the
/// status line comes last, without per-result perfdata.
/// </summary>
public sealed class NagiosReporter(ReportOptions options, bool unbuffered = false) : IReporter
{
    public void Write(RunReport report, TextWriter output)
    {
        output.WriteLine(StatusLine(report));
        if (unbuffered)
        {
            return;
        }

        foreach (var result in report.Ordered.Where(r => r.Status != CheckStatus.Skipped || options.Verbose))
        {
            WriteResult(result, output, report.Changes?.For(result));
        }

        foreach (var gone in report.Changes?.Gone ?? [])
        {
            output.WriteLine(Failures.OneLine($"{gone.Path.Label} GONE [CHANGED: {gone.Text}]", 2000));
        }

        if (options.Matrix)
        {
            output.WriteLine();
            TextMatrix.Write(ZoneMatrix.Build(report), output);
        }

        // Nagios takes everything after the first '|' below the status line as more perfdata, to the end.
        var separator = "| ";
        foreach (var result in report.Ordered.Where(Perfdata.Has))
        {
            output.WriteLine(separator + Perfdata.For(result, report.CheckOf(result)));
            separator = "";
        }
    }

    public void WriteLive(CheckResult result, TextWriter output)
    {
        if (result.Status != CheckStatus.Skipped || options.Verbose)
        {
            WriteResult(result, output, null);
            output.Flush();
        }
    }

    public static string StatusLine(RunReport report)
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

        if (notes.Count > 0)
        {
            summary += $" [{string.Join(", ", notes)}]";
        }

        var perfdata = string.Create(
            CultureInfo.InvariantCulture,
            $"checks={ran.Count};;;0 failed={failed};;;0 unknown={unknown};;;0 warning={warning};;;0 time={report.Elapsed.TotalSeconds:0.000}s;;;0");
        if (report.Changes is { } run)
        {
            perfdata += string.Create(CultureInfo.InvariantCulture, $" changed={run.Count};;;0");
        }

        return $"CONN-CHECK {Word(report.Status)}: {summary} | {perfdata}";
    }

    private void WriteResult(CheckResult result, TextWriter output, PathChange? change)
    {
        var line = new StringBuilder();
        line.Append(result.Label).Append(' ').Append(Word(result.Status));
        if (change is not null)
        {
            line.Append(" [CHANGED: ").Append(change.Text).Append(']');
        }

        if (options.Durations && result.Status != CheckStatus.Skipped)
        {
            line.Append(CultureInfo.InvariantCulture, $" ({result.DurationMs:0.0} ms)");
        }

        if (!string.IsNullOrEmpty(result.Reason) && (result.Status != CheckStatus.Skipped || options.Verbose))
        {
            line.Append(" - ").Append(result.Reason);
        }

        output.WriteLine(Failures.OneLine(line.ToString(), 2000));
        if (options.Verbose)
        {
            foreach (var step in result.SubChecks)
            {
                var detail = step.Message is null ? "" : " - " + step.Message;
                output.WriteLine("    " + Failures.OneLine(string.Create(CultureInfo.InvariantCulture, $"{step.Name} {(step.Passed ? "OK" : "FAILED")} ({step.DurationMs:0.0} ms){detail}"), 2000));
            }
        }
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

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
}
