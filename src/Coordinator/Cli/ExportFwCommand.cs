using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Firewall;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Cli;

/// <summary>
/// conn-check export-fw: the egress rules each zone needs, as YAML. Sources are the agents really in
/// each zone (their addresses as discovery finds them) and this host for zone local. Runs no check.
/// Exit 0, or 3 when the config is invalid or a zone had no live agent (its rules are missing).
/// </summary>
public sealed class ExportFwCommand(string configPath, CheckSelection selection, IReadOnlyList<string> seeds, IReadOnlyList<string> staticAgents,
    string? bind, string? publicHostname, string? hoconFile, TextWriter output, TextWriter error, bool connCheckPaths = false)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        ConnCheckConfig config;
        try
        {
            config = new ConfigLoader(CheckTypes.Default, EnvInterpolation.FromProcess).LoadFile(configPath);
            await RunCommand.WarnAsync(config, error).ConfigureAwait(false);
            config = config with { Checks = config.Checks.Where(selection.Includes).ToArray() };
        }
        catch (ConfigException ex)
        {
            foreach (var problem in ex.Errors)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            return CommandLine.UsageError;
        }

        if (selection.IsRestricted && config.Checks.Count == 0)
        {
            await error.WriteLineAsync($"conn-check export-fw: {selection.NothingSelected()}").ConfigureAwait(false);
            return CommandLine.UsageError;
        }

        var needsAgents = connCheckPaths || config.Checks.Any(c => c.Reachable && c.From.Any(z => z != Zones.Local));
        var useSeeds = config.SeedsToAsk(seeds);
        var statics = staticAgents.Select(RunCommand.ParseStaticAgent).Concat(config.Agents.Static).ToArray();
        await using var agents = needsAgents
            ? await RemoteAgents.ConnectAsync(useSeeds, statics, bind, publicHostname, hoconFile, timeEachHello: false, cancellationToken).ConfigureAwait(false)
            : RemoteAgents.None("not needed");

        var plan = await EgressPlanner.PlanAsync(config.Checks, agents.Live, LocalAddressAsync, agents.ProblemFor).ConfigureAwait(false);
        var comments = new List<string> { $"egress rules for {Path.GetFileName(config.File)}; from_host: each agent's address, or this host's for zone local" };
        comments.AddRange(plan.Uncovered.Select(z => $"zone {z.Zone}: no rules for its {z.Checks} check(s): {Failures.OneLine(z.Reason)}"));
        var coveredZones = config.Checks.Where(c => c.Reachable).SelectMany(c => c.From).Where(z => z != Zones.Local && plan.Uncovered.All(u => u.Zone != z)).Distinct().Order(StringComparer.Ordinal);
        var silent = coveredZones.SelectMany(zone => agents.UnansweredIn(zone).Select(agent => (Zone: zone, Agent: agent))).ToArray();
        comments.AddRange(silent.Select(s => $"zone {s.Zone}: no rules for agent {s.Agent.Name}: {Failures.OneLine(s.Agent.Problem)}"));
        var rules = plan.Rules;
        if (connCheckPaths)
        {
            comments.Add("and the paths conn-check itself needs: coordinator -> each agent's port, agent <-> agent inside each cluster");
            rules = [.. rules, .. await ConnCheckPaths.PlanAsync(agents, LocalAddressAsync).ConfigureAwait(false)];
        }

        await output.WriteAsync(EgressYaml.Write(rules, comments)).ConfigureAwait(false);
        foreach (var zone in plan.Uncovered)
        {
            await error.WriteLineAsync($"conn-check export-fw: zone {zone.Zone} has no live agent, its rules are missing: {Failures.OneLine(zone.Reason)}").ConfigureAwait(false);
        }

        foreach (var (zone, agent) in silent)
        {
            await error.WriteLineAsync($"conn-check export-fw: agent {agent.Name} of zone {zone} did not answer, its rules are missing: {Failures.OneLine(agent.Problem)}").ConfigureAwait(false);
        }

        return plan.Uncovered.Count == 0 && silent.Length == 0 ? 0 : CommandLine.UsageError;

        async Task<string> LocalAddressAsync(string host, int port) =>
            await CoordinatorRemoting.RouteLocalAddressAsync(Protocol.Hosting.AkkaAddress.Join(host, port), cancellationToken).ConfigureAwait(false)
            ?? System.Net.Dns.GetHostName();
    }
}
