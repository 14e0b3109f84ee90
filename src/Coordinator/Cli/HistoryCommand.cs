using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.History;
using Microsoft.Data.Sqlite;

namespace ConnCheck.Coordinator.Cli;

/// <summary>
/// `conn-check history`: per path, when it last changed and its current streak; with --path GLOB, the
/// matching paths' transitions over time. A table, or --format json. Exit 0, or 3 when the file cannot be read.
/// </summary>
public static class HistoryCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var file = new Option<string?>("--history") { HelpName = "FILE", Description = $"The history file (default {HistoryOptions.EnvironmentVariable}, else {HistoryStore.DefaultPath})" };
        var path = new Option<string?>("--path") { HelpName = "GLOB", Description = "Show the transitions of the paths ('zone/agent check', or the check's name) matching this glob (only * is a wildcard)" };
        var since = new Option<DateTimeOffset?>("--since")
        {
            HelpName = "AGE|DATE",
            Description = "Only changes since then: 7d, 12h, or a date (2026-12-01, 2026-12-01T13:00Z)",
            CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                if (ParseSince(text, DateTimeOffset.UtcNow) is { } at)
                {
                    return at;
                }

                result.AddError($"--since must be an age (7d, 12h) or a date (2026-12-01), got '{text}'");
                return null;
            },
        };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var command = new Command("history", "Show the run history: each path's last change and streak, or one path's transitions") { file, path, since, format };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var location = HistoryOptions.PathOf(parse.GetValue(file)) ?? HistoryStore.DefaultPath;
            try
            {
                await using var store = await HistoryStore.OpenAsync(location, create: false, cancellationToken).ConfigureAwait(false);
                var json = parse.GetValue(format) == "json";
                var text = parse.GetValue(path) is { } glob
                    ? HistoryOutput.Transitions(await HistoryQueries.TransitionsAsync(store, glob, parse.GetValue(since), cancellationToken).ConfigureAwait(false), json)
                    : HistoryOutput.Paths(await HistoryQueries.PathsAsync(store, parse.GetValue(since), cancellationToken).ConfigureAwait(false), DateTimeOffset.UtcNow, json);
                await output.WriteAsync(text).ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"conn-check history: {location}: {Failures.OneLine(ex.Message)}").ConfigureAwait(false);
                return CommandLine.UsageError;
            }
        });
        return command;
    }

    internal static DateTimeOffset? ParseSince(string text, DateTimeOffset now)
    {
        if (Retention.TryParse(text, out var age) && age.Age is { } span)
        {
            return now - span;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }
}

/// <summary>The history command's table and JSON renderings.</summary>
internal static class HistoryOutput
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Paths(IReadOnlyList<PathSummary> paths, DateTimeOffset now, bool json)
    {
        if (json)
        {
            return JsonSerializer.Serialize(new
            {
                paths = paths.Select(p => new
                {
                    config = p.ConfigPath, check = p.State.Path.Check, zone = p.State.Path.Zone, agent = NullIfEmpty(p.State.Path.Agent),
                    status = StatusWords.Of(p.State.Status), since = p.State.Since.UtcDateTime, streak_runs = p.State.Streak,
                    last_run = p.LastRun.UtcDateTime, reason = p.State.Reason,
                }),
            }, Json) + "\n";
        }

        var rows = paths.Select(p => new[]
        {
            p.State.Path.Label, StatusWords.Of(p.State.Status), Time(p.State.Since),
            $"{ChangeDetector.Span(now - p.State.Since)}, {p.State.Streak} run{(p.State.Streak == 1 ? "" : "s")}", p.ConfigPath,
        });
        return Table(["PATH", "STATUS", "LAST CHANGE", "STREAK", "CONFIG"], rows, "no paths in the history");
    }

    public static string Transitions(IReadOnlyList<Transition> transitions, bool json)
    {
        if (json)
        {
            return JsonSerializer.Serialize(new
            {
                transitions = transitions.Select(t => new
                {
                    at = t.At.UtcDateTime, config = t.ConfigPath, check = t.Path.Check, zone = t.Path.Zone, agent = NullIfEmpty(t.Path.Agent),
                    from = t.From is { } f ? StatusWords.Of(f) : null, to = t.To is { } to ? StatusWords.Of(to) : null, change = t.Note, reason = t.Reason,
                }),
            }, Json) + "\n";
        }

        var rows = transitions.Select(t => new[]
        {
            Time(t.At), t.Path.Label, $"{Word(t.From)} -> {Word(t.To)}", t.Note + (string.IsNullOrEmpty(t.Reason) ? "" : " - " + Failures.OneLine(t.Reason, 120)),
        });
        return Table(["AT", "PATH", "STATUS", "CHANGE"], rows, "no transitions match");
    }

    private static string Word(Checks.Model.CheckStatus? status) => status is { } s ? StatusWords.Of(s) : "-";

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Table(string[] header, IEnumerable<string[]> body, string empty)
    {
        var rows = body.ToList();
        if (rows.Count == 0)
        {
            return empty + "\n";
        }

        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            text.AppendLine(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd());
        }

        return text.ToString();
    }
}
