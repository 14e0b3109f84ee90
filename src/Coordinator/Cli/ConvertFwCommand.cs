using ConnCheck.Coordinator.Firewall;

namespace ConnCheck.Coordinator.Cli;

/// <summary>conn-check convert-fw: merges export-fw files and prints firewall commands. Bad type or file: exit 3.</summary>
public sealed class ConvertFwCommand(string type, string group, IReadOnlyList<string> files, TextWriter output, TextWriter error)
{
    public async Task<int> ExecuteAsync()
    {
        if (!FirewallCommands.Types.ContainsKey(type))
        {
            await error.WriteLineAsync($"conn-check convert-fw: unknown type '{type}' (expected one of {string.Join(", ", FirewallCommands.Types.Keys)})").ConfigureAwait(false);
            return CommandLine.UsageError;
        }

        try
        {
            var rules = EgressRule.Merge(files.SelectMany(EgressYaml.Read));
            foreach (var line in FirewallCommands.Render(type, rules, group, FirewallCommands.ResolveWithDns))
            {
                await output.WriteLineAsync(line).ConfigureAwait(false);
            }

            return 0;
        }
        catch (FormatException ex)
        {
            await error.WriteLineAsync($"conn-check convert-fw: {ex.Message}").ConfigureAwait(false);
            return CommandLine.UsageError;
        }
    }
}
