using System.CommandLine;
using ConnCheck.Coordinator.Firewall;
using ConnCheck.Coordinator.Running;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The export-fw and convert-fw subcommands' options.</summary>
public static class FirewallCommandLine
{
    public static Command BuildExport(TextWriter output, TextWriter error)
    {
        var config = new Argument<string>("CONFIG") { Description = "YAML file listing the checks" };
        var patterns = new Argument<string[]>("PATTERN") { Description = "Only checks whose name or step names match one of these globs (*)", Arity = ArgumentArity.ZeroOrMore };
        var (includeTags, excludeTags) = CommandLine.TagOptions();
        var seeds = new Option<string[]>("--seed") { HelpName = "HOST:PORT", Description = "Contact point of the agent cluster (repeatable; also CONN_CHECK_SEEDS)" };
        var agents = new Option<string[]>("--agent") { HelpName = "ZONE=HOST:PORT", Description = "A static agent, bypassing discovery (repeatable)" };
        var hocon = new Option<string?>("--hocon") { HelpName = "FILE", Description = "Extra HOCON file (TLS, ports)" };
        var bind = new Option<string?>("--bind") { HelpName = "HOST[:PORT]", Description = "HOST[:PORT] of the coordinator's own remoting endpoint" };
        var publicHostname = new Option<string?>("--public-hostname") { HelpName = "HOST", Description = "Host name agents use to answer the coordinator" };
        var selfPaths = new Option<bool>("--conn-check-paths")
        {
            Description = "Also print the paths conn-check itself needs: this host -> each agent's port, agent <-> agent inside each cluster",
        };
        var command = new Command("export-fw", "Print the egress firewall rules each zone needs, as YAML (from_host: each agent's real address)")
        {
            config, patterns, includeTags, excludeTags, seeds, agents, hocon, bind, publicHostname, selfPaths,
        };
        command.Validators.Add(result =>
        {
            foreach (var pattern in (result.GetValue(patterns) ?? []).Where(p => p.StartsWith('-')))
            {
                result.AddError($"unknown option '{pattern}'");
            }

            CommandLine.ValidateTags(result, includeTags, excludeTags);
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var allSeeds = (parse.GetValue(seeds) ?? []).Concat(CommandLine.SplitList(Environment.GetEnvironmentVariable("CONN_CHECK_SEEDS"))).ToArray();
            var selection = new CheckSelection(parse.GetValue(patterns) ?? [], CommandLine.SplitList(parse.GetValue(includeTags)), CommandLine.SplitList(parse.GetValue(excludeTags)));
            return await new ExportFwCommand(parse.GetValue(config)!, selection, allSeeds, parse.GetValue(agents) ?? [], parse.GetValue(bind),
                parse.GetValue(publicHostname), parse.GetValue(hocon), output, error, parse.GetValue(selfPaths)).ExecuteAsync(cancellationToken).ConfigureAwait(false);
        });
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
