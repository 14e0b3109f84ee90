using System.CommandLine;
using System.CommandLine.Parsing;
using ConnCheck.Coordinator.Running;

namespace ConnCheck.Coordinator.Cli;

/// <summary>
/// How a command reaches the agent cluster: --seed (merged with CONN_CHECK_SEEDS), --hocon, --bind and
/// --public-hostname, declared once for the run, agents and export-fw.
/// </summary>
public sealed class ClusterOptions
{
    public const string SeedsVariable = "CONN_CHECK_SEEDS";

    public Option<string[]> Seed { get; } = new("--seed") { HelpName = "HOST:PORT", Description = $"Contact point of the agent cluster, HOST:PORT (repeatable; also {SeedsVariable})", AllowMultipleArgumentsPerToken = false };

    public Option<string?> Hocon { get; } = new("--hocon") { HelpName = "FILE", Description = "Extra HOCON file (TLS, ports)" };

    public Option<string?> Bind { get; } = new("--bind") { HelpName = "HOST[:PORT]", Description = "HOST[:PORT] of the coordinator's own remoting endpoint" };

    public Option<string?> PublicHostname { get; } = new("--public-hostname") { HelpName = "HOST", Description = "Host name agents use to answer the coordinator" };

    /// <summary>--agent ZONE=HOST:PORT, for the commands that can bypass discovery (run, export-fw).</summary>
    public static Option<string[]> StaticAgents() => new("--agent") { HelpName = "ZONE=HOST:PORT", Description = "A static agent ZONE=HOST:PORT, bypassing discovery (repeatable)" };

    public IEnumerable<Option> All => [Seed, Hocon, Bind, PublicHostname];

    /// <summary>The --seed values, then those of CONN_CHECK_SEEDS (comma-separated).</summary>
    public string[] Seeds(ParseResult parse) =>
        (parse.GetValue(Seed) ?? []).Concat(CommandLine.SplitList(Environment.GetEnvironmentVariable(SeedsVariable))).ToArray();
}

/// <summary>
/// Which checks of which config: CONFIG, PATTERN... and --include-tags/--exclude-tags, declared once for the
/// run and export-fw. A word starting with '-' in the patterns is an unknown option, not a pattern that
/// silently matches nothing; an empty tag list (--include-tags=) selects nothing out, as in the original.
/// </summary>
public sealed class SelectionOptions
{
    public Argument<string> Config { get; } = new("CONFIG") { Description = "YAML file listing the checks (the original conn-check list, or a mapping with zones/defaults/checks)" };

    public Argument<string[]> Patterns { get; } = new("PATTERN") { Description = "Only checks whose name or step names match one of these globs (only * is a wildcard)", Arity = ArgumentArity.ZeroOrMore };

    public Option<string?> IncludeTags { get; } = new("--include-tags") { HelpName = "TAGS", Description = "Only checks with one of these tags (comma-separated)", Arity = ArgumentArity.ZeroOrOne };

    public Option<string?> ExcludeTags { get; } = new("--exclude-tags") { HelpName = "TAGS", Description = "Skip checks with any of these tags (comma-separated)", Arity = ArgumentArity.ZeroOrOne };

    /// <summary>Adds the arguments, the tag options and their validation to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Config);
        command.Arguments.Add(Patterns);
        command.Options.Add(IncludeTags);
        command.Options.Add(ExcludeTags);
        command.Validators.Add(Validate);
    }

    public string[] PatternsOf(ParseResult parse) => parse.GetValue(Patterns) ?? [];

    public string[] Included(ParseResult parse) => CommandLine.SplitList(parse.GetValue(IncludeTags));

    public string[] Excluded(ParseResult parse) => CommandLine.SplitList(parse.GetValue(ExcludeTags));

    public CheckSelection Selection(ParseResult parse) => new(PatternsOf(parse), Included(parse), Excluded(parse));

    private void Validate(CommandResult result)
    {
        foreach (var pattern in (result.GetValue(Patterns) ?? []).Where(p => p.StartsWith('-')))
        {
            result.AddError($"unknown option '{pattern}'");
        }

        if (CommandLine.SplitList(result.GetValue(IncludeTags)).Length > 0 && CommandLine.SplitList(result.GetValue(ExcludeTags)).Length > 0)
        {
            result.AddError("--include-tags and --exclude-tags cannot be used together");
        }
    }
}
