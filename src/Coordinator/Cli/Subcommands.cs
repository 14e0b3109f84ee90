using System.CommandLine;
using System.CommandLine.Invocation;

namespace ConnCheck.Coordinator.Cli;

/// <summary>
/// Every subcommand of conn-check. A word in first place that names one of them runs it (its usage reads
/// <c>conn-check agents [options]</c>); anything else is the original's <c>conn-check CONFIG [PATTERN...]</c>.
/// A new subcommand is one file with a Build method and one line below.
/// </summary>
public static class Subcommands
{
    private static readonly Func<TextWriter, TextWriter, Command>[] Builders =
    [
        AgentsCommand.Build,
        FirewallCommandLine.BuildExport,
        FirewallCommandLine.BuildConvert,
        ConfigCommand.Build,
        HistoryCommand.Build,
    ];

    public static IReadOnlyList<Command> Build(TextWriter output, TextWriter error) => Builders.Select(build => build(output, error)).ToArray();

    /// <summary>A root holding only the subcommands, so their help shows no CONFIG of the run before them.</summary>
    public static RootCommand Root(IReadOnlyList<Command> commands)
    {
        var root = new RootCommand(CommandLine.Description);
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Makes the run's --help end with the subcommands, which are not children of the run's command.</summary>
    public static void ListInHelp(RootCommand run, IReadOnlyList<Command> commands, TextWriter output)
    {
        var help = run.Options.OfType<System.CommandLine.Help.HelpOption>().First();
        help.Action = new HelpWithCommands((SynchronousCommandLineAction)help.Action!, commands, output);
    }

    private sealed class HelpWithCommands(SynchronousCommandLineAction help, IReadOnlyList<Command> commands, TextWriter output) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var exit = help.Invoke(parseResult);
            var width = commands.Max(c => c.Name.Length) + 2;
            output.WriteLine("Commands (conn-check COMMAND --help for each):");
            foreach (var command in commands)
            {
                output.WriteLine($"  {command.Name.PadRight(width)}{command.Description}");
            }

            output.WriteLine();
            return exit;
        }
    }
}
