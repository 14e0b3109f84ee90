namespace ConnCheck.Coordinator.Reporting;

/// <summary>One output format: its --format name, its one-line help, and how to make it.</summary>
public sealed record OutputFormat(string Name, string Description, Func<ReportOptions, IReporter> Create)
{
    /// <summary>With -U it prints each result as it arrives (a whole document cannot).</summary>
    public bool Streams { get; init; }

    /// <summary>--matrix adds the text matrix to it.</summary>
    public bool TakesMatrix { get; init; }
}

/// <summary>
/// Every output format. --format lists and validates from here, --html FILE writes "html" to a file;
/// a new format is one IReporter file and one line below.
/// </summary>
public static class OutputFormats
{
    public const string Default = "nagios";

    public static IReadOnlyList<OutputFormat> All { get; } =
    [
        new("nagios", "Nagios plugin output: status line, one line per result, perfdata", o => new NagiosReporter(o)) { Streams = true, TakesMatrix = true },
        new("json", "One JSON document (docs/report.schema.json)", _ => new JsonReporter()),
        new("junit", "JUnit XML for CI systems", _ => new JunitReporter()),
        new("openmetrics", "OpenMetrics / Prometheus text gauges", _ => new OpenMetricsReporter()),
        new("html", "The zone x destination matrix as a self-contained HTML page", _ => new HtmlMatrix()),
        new("matrix", "The zone x destination matrix as text", _ => new TextMatrix()),
    ];

    public static IEnumerable<string> Names => All.Select(f => f.Name);

    public static OutputFormat Get(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"unknown format '{name}'; one of {string.Join(", ", Names)}");
}
