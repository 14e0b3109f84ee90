using System.CommandLine;
using System.Globalization;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Reporting;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The conn-check command line (docs/command-line.md). Argument errors exit 3, as Nagios plugins do.</summary>
public static class CommandLine
{
    public const int UsageError = 3;

    public const string Description = "conn-check: verify network dependencies from the hosts that have them, report in Nagios format.";

    /// <summary>The original's command line, <c>conn-check CONFIG [PATTERN...] [options]</c>: load, run, report.</summary>
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var selection = new SelectionOptions();
        var cluster = new ClusterOptions();
        var validate = new Option<bool>("--validate") { Description = "Parse and validate the config, run nothing" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would run where (zone, agent), without connecting" };
        var connectTimeout = Number<double>("--connect-timeout", "Timeout in seconds of a check that sets none (default 10)", PositiveSeconds, SecondsRule);
        var maxTimeout = Number<double>("--max-timeout", "Hard deadline in seconds for the whole run; unfinished checks are UNKNOWN", PositiveSeconds, SecondsRule);
        var unbuffered = new Option<bool>("--unbuffered-output", "-U") { Description = "Print each result as it finishes; the status line comes last" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show sub-checks, reasons of passing checks and skipped checks" };
        var duration = new Option<bool>("--duration", "-d") { Description = "Show how long each check took" };
        var tracebacks = new Option<bool>("--tracebacks", "-t") { Description = "Show stack traces of internal errors" };
        var tlsCerts = new Option<string?>("--tls-certs-path") { HelpName = "DIR", Description = "Directory of extra CA certificates (*.pem, *.crt) to trust" };
        var format = new Option<string>("--format") { Description = "Report format", DefaultValueFactory = _ => OutputFormats.Default };
        format.AcceptOnlyFromAmong([.. OutputFormats.Names]);
        var matrix = new Option<bool>("--matrix") { Description = "After the report, a zone x destination matrix (OK/FAIL/BLOCKED/WARN/UNKNOWN); nagios format only" };
        var html = new Option<string?>("--html") { HelpName = "FILE", Description = "Also write the zone x destination matrix as a self-contained HTML page" };
        var agents = ClusterOptions.StaticAgents();
        var local = new Option<bool>("--local") { Description = "Run every zone's checks in this process (zones are simulated)" };
        var (history, historyKeep, warnOnChange, textfile) = HistoryOptions.Build();
        var concurrency = Number<int>("--concurrency", "Checks in flight at once in this process (default 1024)", v => v >= 1, "a whole number, 1 or more");

        var root = new RootCommand(Description);
        selection.AddTo(root);
        Option[] options =
        [
            validate, dryRun, connectTimeout, maxTimeout, unbuffered, verbose, duration, tracebacks, tlsCerts, format,
            cluster.Seed, agents, local, cluster.Hocon, cluster.Bind, cluster.PublicHostname, concurrency, matrix, html,
            history, historyKeep, warnOnChange, textfile,
        ];
        foreach (var option in options)
        {
            root.Options.Add(option);
        }

        root.Validators.Add(result =>
        {
            if (result.GetValue(matrix) && !OutputFormats.Get(result.GetValue(format) ?? OutputFormats.Default).TakesMatrix)
            {
                var others = OutputFormats.All.Where(f => !f.TakesMatrix).Select(f => f.Name);
                result.AddError($"--matrix goes after the nagios report; with --format {string.Join(", ", others)} use --html FILE");
            }

            HistoryOptions.Validate(result, history, warnOnChange);
        });

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new RunSettings
            {
                ConfigPath = parse.GetValue(selection.Config)!,
                Patterns = selection.PatternsOf(parse),
                ValidateOnly = parse.GetValue(validate),
                DryRun = parse.GetValue(dryRun),
                IncludeTags = selection.Included(parse),
                ExcludeTags = selection.Excluded(parse),
                ConnectTimeoutSeconds = parse.GetValue(connectTimeout) ?? 10,
                MaxTimeoutSeconds = parse.GetValue(maxTimeout),
                Unbuffered = parse.GetValue(unbuffered),
                Verbose = parse.GetValue(verbose),
                Durations = parse.GetValue(duration),
                Tracebacks = parse.GetValue(tracebacks),
                TlsCertsPath = parse.GetValue(tlsCerts),
                Format = parse.GetValue(format) ?? OutputFormats.Default,
                Matrix = parse.GetValue(matrix),
                HtmlPath = parse.GetValue(html),
                Seeds = cluster.Seeds(parse),
                Agents = parse.GetValue(agents) ?? [],
                Local = parse.GetValue(local),
                HoconFile = parse.GetValue(cluster.Hocon),
                Bind = parse.GetValue(cluster.Bind),
                PublicHostname = parse.GetValue(cluster.PublicHostname),
                Concurrency = parse.GetValue(concurrency) ?? 1024,
                HistoryPath = HistoryOptions.PathOf(parse.GetValue(history)),
                HistoryKeep = parse.GetValue(historyKeep)!,
                WarnOnChange = parse.GetValue(warnOnChange),
                TextfileDirectory = parse.GetValue(textfile),
            };
            return await new RunCommand(settings, output, error).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        });

        return root;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        var commands = Subcommands.Build(output, error);
        var subcommand = commands.FirstOrDefault(c => c.Name == args.FirstOrDefault());

        // The original printed its version wherever --version stood: conn-check cfg.yaml --version.
        if (args.TakeWhile(a => a != "--").Contains("--version") && subcommand is null)
        {
            await output.WriteLineAsync(ConnCheck.Protocol.ProductVersion.Line("conn-check")).ConfigureAwait(false);
            return 0;
        }

        // An empty tag list (--include-tags=) filters nothing, as in the original; the parser would take the next word instead.
        args = args.Where(a => a is not ("--include-tags=" or "--exclude-tags=")).ToArray();
        RootCommand root;
        if (subcommand is null)
        {
            root = Build(output, error);
            Subcommands.ListInHelp(root, commands, output);
        }
        else
        {
            root = Subcommands.Root(commands);
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"conn-check: {problem.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync($"Try 'conn-check {(subcommand is null ? "" : subcommand.Name + " ")}--help'.").ConfigureAwait(false);
            return UsageError;
        }

        var exit = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
        return exit;
    }

    private const string SecondsRule = "a positive number of seconds, at most 86400";

    private static bool PositiveSeconds(double value) => value is > 0 and <= ConfigLoader.MaxTimeoutSeconds;

    /// <summary>A numeric option whose bad values are argument errors (exit 3), never exceptions.</summary>
    private static Option<T?> Number<T>(string name, string description, Func<T, bool> valid, string rule)
        where T : struct, IParsable<T> => new(name)
    {
        Description = description,
        HelpName = typeof(T) == typeof(int) ? "N" : "SECONDS",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (T.TryParse(text, CultureInfo.InvariantCulture, out var value) && valid(value))
            {
                return value;
            }

            result.AddError($"{name} must be {rule}, got '{text}'");
            return null;
        },
    };

    internal static string[] SplitList(string? value) =>
        string.IsNullOrWhiteSpace(value) ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
