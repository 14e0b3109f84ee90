using System.CommandLine;
using ConnCheck.Coordinator.Firewall;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The export-fw and convert-fw subcommands' options.</summary>
public static class FirewallCommandLine
{
    public static Command BuildExport(TextWriter output, TextWriter error)
    {
        var selection = new SelectionOptions();
        var cluster = new ClusterOptions();
        var agents = ClusterOptions.StaticAgents();
        var selfPaths = new Option<bool>("--conn-check-paths")
        {
            Description = "Also print the paths conn-check itself needs: this host -> each agent's port, agent <-> agent inside each cluster",
        };
        var command = new Command("export-fw", "Print the egress firewall rules each zone needs, as YAML (from_host: each agent's real address)");
        selection.AddTo(command);
        foreach (var option in cluster.All.Append(agents).Append(selfPaths))
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
            await new ExportFwCommand(parse.GetValue(selection.Config)!, selection.Selection(parse), cluster.Seeds(parse), parse.GetValue(agents) ?? [], parse.GetValue(cluster.Bind),
                parse.GetValue(cluster.PublicHostname), parse.GetValue(cluster.Hocon), output, error, parse.GetValue(selfPaths)).ExecuteAsync(cancellationToken).ConfigureAwait(false));
        return command;
    }

    public static Command BuildConvert(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("FILE") { Description = "export-fw YAML files to merge", Arity = ArgumentArity.OneOrMore };
        var type = new Option<string>("--type", "-t") { Description = "iptables, nft, ufw, aws, neutron or nova", Required = true };
        var group = new Option<string>("--group") { Description = "Security group for aws/neutron/nova", DefaultValueFactory = _ => FirewallCommands.DefaultGroup };
        var command = new Command("convert-fw", "Turn export-fw files into firewall commands (merged, de-duplicated)") { files, type, group };
        command.SetAction(async (parse, _) =>
            await new ConvertFwCommand(parse.GetValue(type)!, parse.GetValue(group)!, parse.GetValue(files) ?? [], output, error).ExecuteAsync().ConfigureAwait(false));
        return command;
    }
}
