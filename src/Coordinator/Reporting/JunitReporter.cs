using System.Globalization;
using System.Text;
using System.Xml;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// --format junit: the JUnit XML CI systems read. One &lt;testsuite&gt; per zone, one &lt;testcase&gt; per
/// result: FAILED is a &lt;failure&gt;, UNKNOWN an &lt;error&gt; (the check could not run), SKIPPED &lt;skipped&gt;;
/// WARNING passes, with the threshold it crossed in &lt;system-out&gt;. Written once at the end.
/// </summary>
public sealed class JunitReporter : IReporter
{
    public void Write(RunReport report, TextWriter output)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false), OmitXmlDeclaration = false };
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, settings))
        {
            WriteReport(report, xml);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteReport(RunReport report, XmlWriter xml)
    {
        var timestamp = report.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "conn-check");
        WriteCounts(xml, report.Results);
        xml.WriteAttributeString("time", Seconds(report.Elapsed.TotalMilliseconds));

        var zones = report.Results.Select(r => r.Zone).Concat(report.LiveAgents.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        for (var id = 0; id < zones.Count; id++)
        {
            var zone = zones[id];
            var results = report.Ordered.Where(r => r.Zone == zone).ToList();
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", zone);
            xml.WriteAttributeString("package", "conn-check");
            xml.WriteAttributeString("id", id.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("hostname", Environment.MachineName);
            xml.WriteAttributeString("timestamp", timestamp);
            WriteCounts(xml, results);
            xml.WriteAttributeString("time", Seconds(results.Sum(r => r.DurationMs)));

            xml.WriteStartElement("properties");
            Property(xml, "zones_simulated", report.ZonesSimulated ? "true" : "false");
            Property(xml, "agents", string.Join(",", (report.LiveAgents.GetValueOrDefault(zone) ?? []).Select(a => a.Name)));
            xml.WriteEndElement();

            foreach (var result in results)
            {
                WriteCase(xml, result);
            }

            xml.WriteElementString("system-out", "");
            xml.WriteElementString("system-err", "");
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCase(XmlWriter xml, CheckResult result)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("name", result.Name);
        xml.WriteAttributeString("classname", result.Agent is null ? result.Zone : $"{result.Zone}/{result.Agent}");
        xml.WriteAttributeString("time", Seconds(result.DurationMs));
        var reason = Xml(result.Reason ?? "");
        var details = string.Join("\n", result.SubChecks.Select(s =>
            Xml(string.Create(CultureInfo.InvariantCulture, $"{s.Name} {(s.Passed ? "OK" : "FAILED")} ({s.DurationMs:0.0} ms){(s.Message is null ? "" : " - " + s.Message)}"))));
        switch (result.Status)
        {
            case CheckStatus.Failed:
                Outcome(xml, "failure", reason, "FAILED", details);
                break;
            case CheckStatus.Unknown:
                Outcome(xml, "error", reason, "UNKNOWN", details);
                break;
            case CheckStatus.Skipped:
                xml.WriteStartElement("skipped");
                xml.WriteAttributeString("message", reason);
                xml.WriteEndElement();
                break;
        }

        var output = result.Status == CheckStatus.Warning ? $"WARNING - {reason}\n{details}".TrimEnd() : details;
        if (output.Length > 0 && result.Status is CheckStatus.Ok or CheckStatus.Warning)
        {
            xml.WriteElementString("system-out", output);
        }

        xml.WriteEndElement();
    }

    private static void Outcome(XmlWriter xml, string element, string message, string type, string details)
    {
        xml.WriteStartElement(element);
        xml.WriteAttributeString("message", message);
        xml.WriteAttributeString("type", type);
        xml.WriteString(details);
        xml.WriteEndElement();
    }

    private static void WriteCounts(XmlWriter xml, IEnumerable<CheckResult> results)
    {
        var list = results.ToList();
        xml.WriteAttributeString("tests", list.Count.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", list.Count(r => r.Status == CheckStatus.Failed).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("errors", list.Count(r => r.Status == CheckStatus.Unknown).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", list.Count(r => r.Status == CheckStatus.Skipped).ToString(CultureInfo.InvariantCulture));
    }

    private static void Property(XmlWriter xml, string name, string value)
    {
        xml.WriteStartElement("property");
        xml.WriteAttributeString("name", name);
        xml.WriteAttributeString("value", value);
        xml.WriteEndElement();
    }

    private static string Seconds(double milliseconds) => (milliseconds / 1000).ToString("0.######", CultureInfo.InvariantCulture);

    // Far-end text may hold characters XML 1.0 cannot carry at all; keep the line, drop those.
    private static string Xml(string text) =>
        new(Failures.OneLine(text, 2000).Where(XmlConvert.IsXmlChar).ToArray());
}
