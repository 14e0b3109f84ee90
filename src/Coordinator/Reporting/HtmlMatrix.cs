using System.Globalization;
using System.Net;
using System.Text;
using ConnCheck.Coordinator.History;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>--format html and --html FILE: the zone matrix as one self-contained HTML page (inline CSS, no scripts, no external assets).</summary>
public sealed class HtmlMatrix : IReporter
{
    public void Write(RunReport report, TextWriter output) => output.Write(Render(report));

    private const string Style = """
        body { font-family: system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; background: #fff; }
        h1 { font-size: 1.3em; margin: 0 0 .3em; }
        p.status { font-family: ui-monospace, monospace; padding: .5em .8em; border-radius: 4px; }
        p.status.ok { background: #e3f4e1; } p.status.warning { background: #fff4cc; }
        p.status.critical { background: #fde2e1; } p.status.unknown { background: #ece9f7; }
        table { border-collapse: collapse; margin: 1em 0; }
        th, td { border: 1px solid #c8c8c8; padding: .35em .6em; text-align: center; }
        th.dest { font-weight: 600; font-size: .85em; max-width: 12em; word-break: break-all; vertical-align: bottom; }
        th.row { text-align: left; font-family: ui-monospace, monospace; white-space: nowrap; }
        td.cell { font-family: ui-monospace, monospace; font-weight: 700; min-width: 5.5em; }
        td.ok { background: #c9ecc4; color: #14521a; }
        td.fail { background: #f7b9b5; color: #7a0d07; }
        td.blocked { background: #cfe0f7; color: #133f7a; }
        td.warn { background: #ffe49a; color: #6b4e00; }
        td.unknown { background: #ddd6f3; color: #3d2a80; }
        td.none { color: #9a9a9a; font-weight: 400; }
        td.changed { outline: 3px solid #d4351c; outline-offset: -3px; }
        td .since { display: block; font-weight: 400; font-size: .75em; }
        dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; font-size: .9em; }
        dt { font-family: ui-monospace, monospace; font-weight: 700; }
        footer { color: #666; font-size: .8em; margin-top: 2em; }
        """;

    public static string Render(RunReport report)
    {
        var matrix = ZoneMatrix.Build(report);
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine("<title>conn-check zone matrix</title>");
        html.Append("<style>").Append(Style).AppendLine("</style></head><body>");
        html.AppendLine("<h1>conn-check: zone &times; destination</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"status {ReportWords.Word(report.Status).ToLowerInvariant()}\">{Encode(ReportWords.Summary(report))}</p>").AppendLine();

        if (matrix.Rows.Count == 0)
        {
            html.AppendLine("<p>No results.</p>");
        }
        else
        {
            html.AppendLine("<table id=\"matrix\">");
            html.Append("<thead><tr><th class=\"corner\">zone/agent</th>");
            foreach (var destination in matrix.Destinations)
            {
                html.Append(CultureInfo.InvariantCulture, $"<th class=\"dest\" scope=\"col\">{Encode(destination)}</th>");
            }

            html.AppendLine("</tr></thead><tbody>");
            foreach (var row in matrix.Rows)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr><th class=\"row\" scope=\"row\">{Encode(row.Label)}</th>");
                foreach (var cell in row.Cells)
                {
                    var changed = report.Changes is { } changes && cell.Results.Any(r => changes.For(r) is not null) ? " changed" : "";
                    html.Append(CultureInfo.InvariantCulture, $"<td class=\"cell {cell.State.ToString().ToLowerInvariant()}{changed}\"{Title(cell, report.Changes)}>{Encode(cell.Word)}{LastChange(cell, report.Changes)}</td>");
                }

                html.AppendLine("</tr>");
            }

            html.AppendLine("</tbody></table>");
        }

        html.AppendLine("<dl class=\"legend\">");
        foreach (var (state, meaning) in ZoneMatrix.Legend)
        {
            html.Append(CultureInfo.InvariantCulture, $"<dt>{Encode(ZoneMatrix.Word(state))}</dt><dd>{Encode(meaning)}</dd>").AppendLine();
        }

        html.AppendLine("</dl>");
        html.Append(CultureInfo.InvariantCulture, $"<footer>Run started {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC, took {report.Elapsed.TotalSeconds:0.000} s. Hover a cell for its checks.</footer>").AppendLine();
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    // The checks behind a cell, one per line, as the report words them.
    private static string Title(MatrixCell cell, RunChanges? changes)
    {
        if (cell.Results.Count == 0)
        {
            return "";
        }

        var lines = cell.Results.Select(r => ReportWords.Outcome(r, changes?.For(r)));
        return $" title=\"{Encode(string.Join("\n", lines))}\"";
    }

    // With --history: when the newest of the cell's paths took its current status.
    private static string LastChange(MatrixCell cell, RunChanges? changes)
    {
        var since = cell.Results.Select(r => changes?.Since.GetValueOrDefault(PathKey.Of(r))).Where(s => s is not null).Max();
        return since is { } at ? string.Create(CultureInfo.InvariantCulture, $"<span class=\"since\">since {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC</span>") : "";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
