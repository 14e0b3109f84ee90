using System.Globalization;
using System.Text;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// --format openmetrics (and --textfile DIR): gauges only, so the text is valid OpenMetrics and also parses as
/// the Prometheus text format node_exporter's textfile collector reads. Every label value is escaped;
/// labels carry only what the report prints (check name, zone, agent, destination), never a secret.
/// </summary>
public sealed class OpenMetricsReporter : IReporter
{
    public const string TextfileName = "conn-check.prom";

    private static readonly CheckStatus[] States = [CheckStatus.Ok, CheckStatus.Failed, CheckStatus.Warning, CheckStatus.Unknown];

    public void Write(RunReport report, TextWriter output) => output.Write(Render(report));

    public static string Render(RunReport report)
    {
        var text = new StringBuilder();
        var ran = report.Ran.DistinctBy(r => (r.Name, r.Zone, r.Agent, r.Destination)).ToList();
        var finishedAt = report.StartedAt + report.Elapsed;

        Family(text, "conn_check_result", "1 for the status of each check from each zone and agent, 0 for the other statuses");
        foreach (var result in ran)
        {
            foreach (var state in States)
            {
                Sample(text, "conn_check_result", Labels(result, ("status", Lower(state))), result.Status == state ? 1 : 0);
            }
        }

        Family(text, "conn_check_duration_seconds", "How long each check took", "seconds");
        foreach (var result in ran)
        {
            Sample(text, "conn_check_duration_seconds", Labels(result), result.DurationMs / 1000);
        }

        var certificates = ran.Where(r => r.CertificateNotAfter is not null).ToList();
        if (certificates.Count > 0)
        {
            Family(text, "conn_check_certificate_expiry_timestamp_seconds", "When the certificate the far end presented expires (Unix time)", "seconds");
            foreach (var result in certificates)
            {
                Sample(text, "conn_check_certificate_expiry_timestamp_seconds", Labels(result), result.CertificateNotAfter!.Value.ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        Family(text, "conn_check_run_checks", "Results of the run by status");
        foreach (var state in States.Append(CheckStatus.Skipped))
        {
            Sample(text, "conn_check_run_checks", Label("status", Lower(state)), report.Count(state));
        }

        Family(text, "conn_check_run_status", "The run's Nagios state: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
        Sample(text, "conn_check_run_status", "", report.ExitCode);
        if (report.Changes is { } changes)
        {
            Family(text, "conn_check_run_changed_paths", "Paths whose status changed since the previous run of the same config (--history)");
            Sample(text, "conn_check_run_changed_paths", "", changes.Count);
        }

        Family(text, "conn_check_run_duration_seconds", "How long the run took", "seconds");
        Sample(text, "conn_check_run_duration_seconds", "", report.Elapsed.TotalSeconds);
        Family(text, "conn_check_run_timestamp_seconds", "When the run finished (Unix time)", "seconds");
        Sample(text, "conn_check_run_timestamp_seconds", "", finishedAt.ToUnixTimeMilliseconds() / 1000.0);
        text.Append("# EOF\n");
        return text.ToString();
    }

    /// <summary>DIR/conn-check.prom, replaced in one rename so the collector never reads half a file.</summary>
    public static async Task WriteTextfileAsync(string directory, RunReport report)
    {
        var target = Path.Combine(directory, TextfileName);
        var temporary = Path.Combine(directory, $".{TextfileName}.{Environment.ProcessId}.tmp");
        try
        {
            await File.WriteAllTextAsync(temporary, Render(report), CancellationToken.None).ConfigureAwait(false);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Label value escaping of both formats: backslash, double quote and line feed.</summary>
    public static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            escaped.Append(c switch { '\\' => @"\\", '"' => "\\\"", '\n' => @"\n", _ => c.ToString() });
        }

        return escaped.ToString();
    }

    private static void Family(StringBuilder text, string name, string help, string? unit = null)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" gauge\n");
        if (unit is not null)
        {
            text.Append("# UNIT ").Append(name).Append(' ').Append(unit).Append('\n');
        }
    }

    private static void Sample(StringBuilder text, string name, string labels, double value) =>
        text.Append(name).Append(labels).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');

    private static string Labels(CheckResult result, params (string Name, string Value)[] more)
    {
        var pairs = new[] { ("check", result.Name), ("zone", result.Zone), ("agent", result.Agent ?? ""), ("destination", result.Destination) }.Concat(more);
        return "{" + string.Join(",", pairs.Select(p => $"{p.Item1}=\"{Escape(p.Item2)}\"")) + "}";
    }

    private static string Label(string name, string value) => $"{{{name}=\"{Escape(value)}\"}}";

    private static string Lower(CheckStatus status) => ReportWords.Word(status).ToLowerInvariant();
}
