using System.CommandLine;
using System.Globalization;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Cli;

/// <summary>conn-check agents: the live agents by zone, as a seed sees them and as this host reaches them.</summary>
public sealed class AgentsCommand(IReadOnlyList<string> seeds, string? bind, string? publicHostname, string? hoconFile, TextWriter output, TextWriter error)
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var cluster = new ClusterOptions();
        var command = new Command("agents", "List the live agents by zone, and whether this host reaches each of them");
        foreach (var option in cluster.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellationToken) =>
            await new AgentsCommand(cluster.Seeds(parse), parse.GetValue(cluster.Bind), parse.GetValue(cluster.PublicHostname), parse.GetValue(cluster.Hocon), output, error)
                .ExecuteAsync(cancellationToken).ConfigureAwait(false));
        return command;
    }

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (seeds.Count == 0)
        {
            await error.WriteLineAsync("conn-check agents: give at least one --seed HOST:PORT (or set CONN_CHECK_SEEDS)").ConfigureAwait(false);
            return 3;
        }

        // The same discovery as a run, so an agent whose TLS handshake fails is reported without
        // hiding the others (see RemoteAgents).
        await using var agents = await RemoteAgents.ConnectAsync(seeds.Select(s => new SeedRef(s)).ToArray(), [], bind, publicHostname, hoconFile, timeEachHello: true, cancellationToken).ConfigureAwait(false);
        if (agents.SeedProblem is { } problem)
        {
            await output.WriteLineAsync($"CONN-CHECK UNKNOWN: {problem}").ConfigureAwait(false);
            return 3;
        }

        var contacts = agents.Contacts.GroupBy(c => c.Address, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Info is null).First(), StringComparer.Ordinal);
        var rows = agents.Clusters
            .SelectMany(cluster => cluster.Members.Select(m => (Cluster: cluster.Number, Member: m)))
            .DistinctBy(r => r.Member.Address)
            .OrderBy(r => r.Member.Zone, StringComparer.Ordinal).ThenBy(r => r.Member.Name, StringComparer.Ordinal)
            .Select(r =>
            {
                var contact = contacts.GetValueOrDefault(r.Member.Address);
                var fromHere = contact?.Info is not null
                    ? string.Create(CultureInfo.InvariantCulture, $"reachable ({contact.RoundTripMs:0.0} ms)")
                    : "UNREACHABLE: " + (contact?.Problem ?? "not tried");
                var status = r.Member.Reachable ? r.Member.Status : $"{r.Member.Status}, unreachable";
                return new[] { r.Member.Zone, r.Member.Name, AkkaAddress.HostPort(r.Member.Address), r.Cluster.ToString(CultureInfo.InvariantCulture), status, fromHere };
            })
            .ToList();

        var unreachable = rows.Count(r => r[5].StartsWith("UNREACHABLE", StringComparison.Ordinal));
        var silentSeeds = agents.SeedAnswers.Where(a => a.Problem is not null).ToArray();
        var zones = rows.Select(r => r[0]).Distinct().Count();
        var status = rows.Count == 0 ? "UNKNOWN" : unreachable > 0 || silentSeeds.Length > 0 ? "WARNING" : "OK";
        var seedNote = silentSeeds.Length == 0 ? "" : $", {silentSeeds.Length} seed(s) not answering";
        await output.WriteLineAsync($"CONN-CHECK AGENTS {status}: {rows.Count} agent(s) in {zones} zone(s), {agents.Clusters.Count} cluster(s), {unreachable} unreachable from here{seedNote}").ConfigureAwait(false);
        await WriteTableAsync(["ZONE", "AGENT", "ADDRESS", "CLUSTER", "STATUS", "FROM HERE"], rows).ConfigureAwait(false);
        foreach (var cluster in agents.Clusters)
        {
            var clusterZones = string.Join(", ", cluster.Members.Select(m => m.Zone).Distinct(StringComparer.Ordinal));
            await output.WriteLineAsync($"cluster {cluster.Number}: {cluster.Members.Count} agent(s) in {clusterZones}, answered by seed {string.Join(", ", cluster.Seeds)}").ConfigureAwait(false);
        }

        foreach (var seed in silentSeeds)
        {
            await output.WriteLineAsync($"seed {seed.HostPort} did not answer: {seed.Problem}").ConfigureAwait(false);
        }

        return rows.Count == 0 ? 3 : status == "WARNING" ? 1 : 0;
    }

    private async Task WriteTableAsync(string[] header, List<string[]> rows)
    {
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(i => all.Max(r => r[i].Length)).ToArray();
        foreach (var row in all)
        {
            await output.WriteLineAsync(string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(widths[i]))).TrimEnd()).ConfigureAwait(false);
        }
    }
}
