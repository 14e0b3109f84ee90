using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// --format json: one document (docs/report.schema.json) with the run, the zones and their agents, and
/// every result with its sub-checks. Written once at the end; -U does not stream it.
/// </summary>
public sealed class JsonReporter : IReporter
{
    public const int FormatVersion = 1;

    public void Write(RunReport report, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteReport(report, json);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    public static string CoordinatorVersion =>
        typeof(JsonReporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(JsonReporter).Assembly.GetName().Version?.ToString()
        ?? "unknown";

    private static void WriteReport(RunReport report, Utf8JsonWriter json)
    {
        var finishedAt = report.StartedAt + report.Elapsed;
        json.WriteStartObject();
        json.WriteString("format", "conn-check-report");
        json.WriteNumber("format_version", FormatVersion);

        json.WriteStartObject("run");
        json.WriteString("started_at", report.StartedAt.ToUniversalTime());
        json.WriteString("finished_at", finishedAt.ToUniversalTime());
        json.WriteNumber("duration_ms", Math.Round(report.Elapsed.TotalMilliseconds, 3));
        json.WriteStartObject("coordinator");
        json.WriteString("host", Environment.MachineName);
        json.WriteString("version", CoordinatorVersion);
        json.WriteEndObject();
        json.WriteString("status", ReportWords.Word(report.Status));
        json.WriteNumber("exit_code", report.ExitCode);
        json.WriteString("summary", ReportWords.Summary(report));
        json.WriteBoolean("zones_simulated", report.ZonesSimulated);
        WriteCounts(json, report.Results);
        json.WriteEndObject();

        json.WriteStartArray("zones");
        var zones = report.Results.Select(r => r.Zone).Concat(report.LiveAgents.Keys).Distinct().Order(StringComparer.Ordinal);
        foreach (var zone in zones)
        {
            json.WriteStartObject();
            json.WriteString("name", zone);
            json.WriteStartArray("agents");
            foreach (var agent in report.LiveAgents.GetValueOrDefault(zone) ?? [])
            {
                json.WriteStartObject();
                json.WriteString("name", agent.Name);
                json.WriteString("address", agent.Address);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteCounts(json, report.Results.Where(r => r.Zone == zone));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("results");
        foreach (var result in report.Ordered)
        {
            WriteResult(json, result, report.CheckOf(result), finishedAt);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteCounts(Utf8JsonWriter json, IEnumerable<CheckResult> results)
    {
        var list = results.ToList();
        json.WriteStartObject("counts");
        json.WriteNumber("total", list.Count);
        foreach (var status in Enum.GetValues<CheckStatus>())
        {
            json.WriteNumber(ReportWords.Word(status).ToLowerInvariant(), list.Count(r => r.Status == status));
        }

        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, CheckResult result, CheckSpec? check, DateTimeOffset finishedAt)
    {
        json.WriteStartObject();
        json.WriteString("zone", result.Zone);
        WriteNullable(json, "agent", result.Agent);
        json.WriteString("label", result.Label);
        json.WriteString("name", result.Name);
        json.WriteString("type", result.Type);
        json.WriteString("destination", result.Destination);
        if (check is null)
        {
            json.WriteNull("target");
        }
        else
        {
            json.WriteStartObject("target");
            json.WriteString("host", check.Destination.Host);
            json.WriteNumber("port", check.Destination.Port);
            json.WriteString("protocol", check.Destination.Protocol.Word());
            json.WriteEndObject();
        }

        json.WriteBoolean("reachable", check?.Reachable ?? true);
        json.WriteString("status", ReportWords.Word(result.Status));
        WriteNullable(json, "reason", string.IsNullOrEmpty(result.Reason) ? null : result.Reason);
        json.WriteNumber("duration_ms", Math.Round(result.DurationMs, 3));
        WriteNullable(json, "main_step_ms", result.MainStepMs is { } ms ? Math.Round(ms, 3) : null);

        json.WriteStartObject("thresholds");
        WriteNullable(json, "warn_ms", check?.WarnMs);
        WriteNullable(json, "crit_ms", check?.CritMs);
        WriteNullable(json, "cert_warn_days", check?.CertWarnDays);
        WriteNullable(json, "cert_crit_days", check?.CertCritDays);
        json.WriteEndObject();

        if (result.CertificateNotAfter is { } notAfter)
        {
            json.WriteStartObject("certificate");
            json.WriteString("not_after", notAfter.ToUniversalTime());
            json.WriteNumber("days_left", Math.Round((notAfter - finishedAt).TotalDays, 2));
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("certificate");
        }

        json.WriteStartArray("tags");
        foreach (var tag in check?.Tags ?? [])
        {
            json.WriteStringValue(tag);
        }

        json.WriteEndArray();

        json.WriteStartArray("sub_checks");
        foreach (var step in result.SubChecks)
        {
            json.WriteStartObject();
            json.WriteString("name", step.Name);
            json.WriteBoolean("passed", step.Passed);
            json.WriteNumber("duration_ms", Math.Round(step.DurationMs, 3));
            WriteNullable(json, "message", step.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
