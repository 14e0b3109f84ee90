using System.CommandLine;
using System.Globalization;
using ConnCheck.Coordinator.Config;
using System.CommandLine.Parsing;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The conn-check command line (DESIGN.md §4). Argument errors exit 3, as Nagios plugins do.</summary>
public static class CommandLine
{
    public const int UsageError = 3;

    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var config = new Argument<string>("CONFIG") { Description = "YAML file listing the checks (the original conn-check list, or a mapping with zones/defaults/checks)" };
        var patterns = new Argument<string[]>("PATTERN") { Description = "Only run checks whose name or step names match one of these globs (only * is a wildcard)", Arity = ArgumentArity.ZeroOrMore };
        var validate = new Option<bool>("--validate") { Description = "Parse and validate the config, run nothing" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would run where (zone, agent), without connecting" };
        var (includeTags, excludeTags) = TagOptions();
        var connectTimeout = Number<double>("--connect-timeout", "Timeout in seconds of a check that sets none (default 10)", PositiveSeconds, SecondsRule);
        var maxTimeout = Number<double>("--max-timeout", "Hard deadline in seconds for the whole run; unfinished checks are UNKNOWN", PositiveSeconds, SecondsRule);
        var unbuffered = new Option<bool>("--unbuffered-output", "-U") { Description = "Print each result as it finishes; the status line comes last" };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Show sub-checks, reasons of passing checks and skipped checks" };
        var duration = new Option<bool>("--duration", "-d") { Description = "Show how long each check took" };
        var tracebacks = new Option<bool>("--tracebacks", "-t") { Description = "Show stack traces of internal errors" };
        var tlsCerts = new Option<string?>("--tls-certs-path") { HelpName = "DIR", Description = "Directory of extra CA certificates (*.pem, *.crt) to trust" };
        var format = new Option<string>("--format") { Description = "Report format", DefaultValueFactory = _ => "nagios" };
        format.AcceptOnlyFromAmong("nagios", "json", "junit", "openmetrics");
        var matrix = new Option<bool>("--matrix") { Description = "After the report, a zone x destination matrix (OK/FAIL/BLOCKED/WARN/UNKNOWN); nagios format only" };
        var html = new Option<string?>("--html") { HelpName = "FILE", Description = "Also write the zone x destination matrix as a self-contained HTML page" };
        var seeds = new Option<string[]>("--seed") { HelpName = "HOST:PORT", Description = "Contact point of the agent cluster, HOST:PORT (repeatable; also CONN_CHECK_SEEDS)", AllowMultipleArgumentsPerToken = false };
        var agents = new Option<string[]>("--agent") { HelpName = "ZONE=HOST:PORT", Description = "A static agent ZONE=HOST:PORT, bypassing discovery (repeatable)" };
        var local = new Option<bool>("--local") { Description = "Run every zone's checks in this process (zones are simulated)" };
        var hocon = new Option<string?>("--hocon") { HelpName = "FILE", Description = "Extra HOCON file (TLS, ports)" };
        var bind = new Option<string?>("--bind") { HelpName = "HOST[:PORT]", Description = "HOST[:PORT] of the coordinator's own remoting endpoint" };
        var publicHostname = new Option<string?>("--public-hostname") { HelpName = "HOST", Description = "Host name agents use to answer the coordinator" };
        var (history, historyKeep, warnOnChange, textfile) = HistoryOptions.Build();
        var concurrency = Number<int>("--concurrency", "Checks in flight at once in this process (default 1024)", v => v >= 1, "a whole number, 1 or more");

        var root = new RootCommand("conn-check: verify network dependencies from the hosts that have them, report in Nagios format.")
        {
            config, patterns, validate, dryRun, includeTags, excludeTags, connectTimeout, maxTimeout, unbuffered, verbose,
            duration, tracebacks, tlsCerts, format, seeds, agents, local, hocon, bind, publicHostname, concurrency, matrix, html,
            history, historyKeep, warnOnChange, textfile,
        };

        root.Validators.Add(result =>
        {
            // Unknown options would otherwise be taken as name patterns and silently match nothing.
            foreach (var pattern in result.GetValue(patterns) ?? [])
            {
                if (pattern.StartsWith('-'))
                {
                    result.AddError($"unknown option '{pattern}'");
                }
            }

            if (result.GetValue(matrix) && result.GetValue(format) is "json" or "junit" or "openmetrics")
            {
                result.AddError("--matrix goes after the nagios report; with --format json, junit or openmetrics use --html FILE");
            }

            HistoryOptions.Validate(result, history, warnOnChange);

            ValidateTags(result, includeTags, excludeTags);
        });

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = new RunSettings
            {
                ConfigPath = parse.GetValue(config)!,
                Patterns = parse.GetValue(patterns) ?? [],
                ValidateOnly = parse.GetValue(validate),
                DryRun = parse.GetValue(dryRun),
                IncludeTags = SplitList(parse.GetValue(includeTags)),
                ExcludeTags = SplitList(parse.GetValue(excludeTags)),
                ConnectTimeoutSeconds = parse.GetValue(connectTimeout) ?? 10,
                MaxTimeoutSeconds = parse.GetValue(maxTimeout),
                Unbuffered = parse.GetValue(unbuffered),
                Verbose = parse.GetValue(verbose),
                Durations = parse.GetValue(duration),
                Tracebacks = parse.GetValue(tracebacks),
                TlsCertsPath = parse.GetValue(tlsCerts),
                Format = parse.GetValue(format) ?? "nagios",
                Matrix = parse.GetValue(matrix),
                HtmlPath = parse.GetValue(html),
                Seeds = (parse.GetValue(seeds) ?? []).Concat(SplitList(Environment.GetEnvironmentVariable("CONN_CHECK_SEEDS"))).ToArray(),
                Agents = parse.GetValue(agents) ?? [],
                Local = parse.GetValue(local),
                HoconFile = parse.GetValue(hocon),
                Bind = parse.GetValue(bind),
                PublicHostname = parse.GetValue(publicHostname),
                Concurrency = parse.GetValue(concurrency) ?? 1024,
                HistoryPath = HistoryOptions.PathOf(parse.GetValue(history)),
                HistoryKeep = parse.GetValue(historyKeep)!,
                WarnOnChange = parse.GetValue(warnOnChange),
                TextfileDirectory = parse.GetValue(textfile),
            };
            return await new RunCommand(settings, output, error).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        });

        root.Subcommands.Add(BuildAgentsCommand(output, error));
        root.Subcommands.Add(FirewallCommandLine.BuildExport(output, error));
        root.Subcommands.Add(FirewallCommandLine.BuildConvert(output, error));
        root.Subcommands.Add(ConfigCommand.Build(output, error));
        root.Subcommands.Add(HistoryCommand.Build(output, error));
        return root;
    }

    /// <summary>--include-tags/--exclude-tags; an empty value (--include-tags=) selects nothing out, as in the original.</summary>
    internal static (Option<string?> Include, Option<string?> Exclude) TagOptions() =>
        (new Option<string?>("--include-tags") { HelpName = "TAGS", Description = "Only run checks with one of these tags (comma-separated)", Arity = ArgumentArity.ZeroOrOne },
         new Option<string?>("--exclude-tags") { HelpName = "TAGS", Description = "Skip checks with any of these tags (comma-separated)", Arity = ArgumentArity.ZeroOrOne });

    internal static void ValidateTags(CommandResult result, Option<string?> includeTags, Option<string?> excludeTags)
    {
        if (SplitList(result.GetValue(includeTags)).Length > 0 && SplitList(result.GetValue(excludeTags)).Length > 0)
        {
            result.AddError("--include-tags and --exclude-tags cannot be used together");
        }
    }

    private static Command BuildAgentsCommand(TextWriter output, TextWriter error)
    {
        var seeds = new Option<string[]>("--seed") { Description = "Contact point of the agent cluster, HOST:PORT (repeatable; also CONN_CHECK_SEEDS)" };
        var hocon = new Option<string?>("--hocon") { Description = "Extra HOCON file (TLS, ports)" };
        var bind = new Option<string?>("--bind") { Description = "HOST[:PORT] of the coordinator's own remoting endpoint" };
        var publicHostname = new Option<string?>("--public-hostname") { Description = "Host name agents use to answer the coordinator" };
        var command = new Command("agents", "List the live agents by zone, and whether this host reaches each of them") { seeds, hocon, bind, publicHostname };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var allSeeds = (parse.GetValue(seeds) ?? []).Concat(SplitList(Environment.GetEnvironmentVariable("CONN_CHECK_SEEDS"))).ToArray();
            return await new AgentsCommand(allSeeds, parse.GetValue(bind), parse.GetValue(publicHostname), parse.GetValue(hocon), output, error)
                .ExecuteAsync(cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    public static async Task<int> InvokeAsync(string[] args, TextWriter output, TextWriter error)
    {
        // The original printed its version wherever --version stood: conn-check cfg.yaml --version.
        if (args.TakeWhile(a => a != "--").Contains("--version") && args.FirstOrDefault() is not ("config" or "export-fw" or "convert-fw" or "agents" or "history"))
        {
            await output.WriteLineAsync(ConnCheck.Protocol.ProductVersion.Line("conn-check")).ConfigureAwait(false);
            return 0;
        }

        // An empty tag list (--include-tags=) filters nothing, as in the original; the parser would take the next word instead.
        args = args.Where(a => a is not ("--include-tags=" or "--exclude-tags=")).ToArray();
        var root = Build(output, error);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                await error.WriteLineAsync($"conn-check: {problem.Message}").ConfigureAwait(false);
            }

            await error.WriteLineAsync("Try 'conn-check --help'.").ConfigureAwait(false);
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
