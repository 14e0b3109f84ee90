using System.CommandLine;
using System.CommandLine.Parsing;
using ConnCheck.Coordinator.History;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The run's --history, --history-keep, --warn-on-change and --textfile options.</summary>
internal static class HistoryOptions
{
    public const string EnvironmentVariable = "CONN_CHECK_HISTORY";

    public static (Option<string?> History, Option<Retention> Keep, Option<bool> WarnOnChange, Option<string?> Textfile) Build()
    {
        var history = new Option<string?>("--history")
        {
            HelpName = "FILE",
            Description = $"Record the run in this SQLite file and mark what changed since the previous run of the same config (also {EnvironmentVariable}; packaged installs use {HistoryStore.DefaultPath})",
        };
        var keep = new Option<Retention>("--history-keep")
        {
            HelpName = "N|AGE",
            Description = $"Runs the history keeps: the newest N, or those of the last 30d, 12h, 4w (default {Retention.Default})",
            DefaultValueFactory = _ => Parse(Retention.Default),
            CustomParser = ParseKeep,
        };
        var warn = new Option<bool>("--warn-on-change") { Description = "With --history: a run in which a path changed is at least WARNING" };
        var textfile = new Option<string?>("--textfile") { HelpName = "DIR", Description = $"Also write the run as OpenMetrics to DIR/conn-check.prom, atomically (node_exporter's textfile collector)" };
        return (history, keep, warn, textfile);
    }

    public static void Validate(CommandResult result, Option<string?> history, Option<bool> warnOnChange)
    {
        if (result.GetValue(warnOnChange) && PathOf(result.GetValue(history)) is null)
        {
            result.AddError($"--warn-on-change needs --history FILE (or {EnvironmentVariable}) to know what changed");
        }
    }

    public static string? PathOf(string? option) =>
        option ?? (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : null);

    public static Retention Parse(string text) => Retention.TryParse(text, out var keep) ? keep : throw new ArgumentException(text);

    private static Retention ParseKeep(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (Retention.TryParse(text, out var keep))
        {
            return keep;
        }

        result.AddError($"--history-keep must be {Retention.Rule}, got '{text}'");
        return keep;
    }
}
