using System.Globalization;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.History;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// The Nagios plugin format of docs/report.md: a status line with run perfdata, then one line per
/// result, worst first, then (with --matrix) the zone matrix, then per-result perfdata after a '|' as the
/// plugin guidelines lay out multi-line output. With -U the result lines stream as they finish and the
/// status line comes last, without per-result perfdata.
/// </summary>
public sealed class NagiosReporter(ReportOptions options) : IReporter
{
    public void Write(RunReport report, TextWriter output)
    {
        output.WriteLine(StatusLine(report));
        if (options.Unbuffered)
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
            new TextMatrix().Write(report, output);
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
        var ran = report.Ran.Count();
        var perfdata = string.Create(
            CultureInfo.InvariantCulture,
            $"checks={ran};;;0 failed={report.Count(CheckStatus.Failed)};;;0 unknown={report.Count(CheckStatus.Unknown)};;;0 warning={report.Count(CheckStatus.Warning)};;;0 time={report.Elapsed.TotalSeconds:0.000}s;;;0");
        if (report.Changes is { } run)
        {
            perfdata += string.Create(CultureInfo.InvariantCulture, $" changed={run.Count};;;0");
        }

        return $"{ReportWords.Summary(report)} | {perfdata}";
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

    private static string Word(CheckStatus status) => ReportWords.Word(status);
}
