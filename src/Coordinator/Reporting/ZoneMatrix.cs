using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>What one vantage point saw of one destination, worst first as the report orders them.</summary>
public enum MatrixState
{
    Fail,
    Unknown,
    Warn,
    Blocked,
    Ok,
    None,
}

/// <summary>The results of one vantage point against one destination, summed up in <see cref="State"/>.</summary>
public sealed record MatrixCell(MatrixState State, IReadOnlyList<CheckResult> Results)
{
    public static MatrixCell Empty { get; } = new(MatrixState.None, []);

    public string Word => ZoneMatrix.Word(State);
}

/// <summary>A vantage point: a zone/agent, or just the zone for results no agent produced (local, no agent in zone).</summary>
public sealed record MatrixRow(string Label, IReadOnlyList<MatrixCell> Cells);

/// <summary>Zone x destination: who reaches what. Skipped results are left out.</summary>
public sealed record ZoneMatrix(IReadOnlyList<string> Destinations, IReadOnlyList<MatrixRow> Rows)
{
    public static readonly IReadOnlyList<(MatrixState State, string Meaning)> Legend =
    [
        (MatrixState.Ok, "reachable, every check passed"),
        (MatrixState.Fail, "a check failed"),
        (MatrixState.Blocked, "closed as required (reachable: false passed)"),
        (MatrixState.Warn, "passed but crossed a threshold"),
        (MatrixState.Unknown, "could not run"),
        (MatrixState.None, "no check"),
    ];

    public static ZoneMatrix Build(RunReport report)
    {
        var ran = report.Results.Where(r => r.Status != CheckStatus.Skipped).ToList();
        var destinations = ran.Select(r => Destination(r, report)).Distinct().Order(StringComparer.Ordinal).ToList();
        var rows = ran.GroupBy(RowLabel)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new MatrixRow(g.Key, destinations.Select(d => Cell(g.Where(r => Destination(r, report) == d).ToList(), report)).ToList()))
            .ToList();
        return new ZoneMatrix(destinations, rows);
    }

    public static string Word(MatrixState state) => state switch
    {
        MatrixState.Ok => "OK",
        MatrixState.Fail => "FAIL",
        MatrixState.Blocked => "BLOCKED",
        MatrixState.Warn => "WARN",
        MatrixState.Unknown => "UNKNOWN",
        _ => "-",
    };

    private static string RowLabel(CheckResult result) => result.Agent is null ? result.Zone : $"{result.Zone}/{result.Agent}";

    private static string Destination(CheckResult result, RunReport report) =>
        report.CheckOf(result)?.Destination.Protocol is DestinationProtocol.Udp ? result.Destination + "/udp" : result.Destination;

    private static MatrixCell Cell(IReadOnlyList<CheckResult> results, RunReport report)
    {
        if (results.Count == 0)
        {
            return MatrixCell.Empty;
        }

        var state = results.Any(r => r.Status == CheckStatus.Failed) ? MatrixState.Fail
            : results.Any(r => r.Status == CheckStatus.Unknown) ? MatrixState.Unknown
            : results.Any(r => r.Status == CheckStatus.Warning) ? MatrixState.Warn
            : results.All(r => report.CheckOf(r)?.Reachable == false) ? MatrixState.Blocked
            : MatrixState.Ok;
        return new MatrixCell(state, results);
    }
}
