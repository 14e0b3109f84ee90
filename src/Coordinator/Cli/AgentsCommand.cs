using System.Globalization;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Cli;

/// <summary>conn-check agents: the live agents by zone, as a seed sees them and as this host reaches them.</summary>
public sealed class AgentsCommand(IReadOnlyList<string> seeds, string? bind, string? publicHostname, string? hoconFile, TextWriter output, TextWriter error)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        if (seeds.Count == 0)
        {
            await error.WriteLineAsync("conn-check agents: give at least one --seed HOST:PORT (or set CONN_CHECK_SEEDS)").ConfigureAwait(false);
            return 3;
        }

        // The same discovery as a run, so an agent whose TLS handshake fails is reported without
        // hiding the others (see RemoteAgents).
        await using var agents = await RemoteAgents.ConnectAsync(seeds, [], bind, publicHostname, hoconFile, cancellationToken).ConfigureAwait(false);
        if (agents.SeedProblem is { } problem)
        {
            await output.WriteLineAsync($"CONN-CHECK UNKNOWN: {problem}").ConfigureAwait(false);
            return 3;
        }

        var members = agents.Members;
        var contacts = agents.Contacts.GroupBy(c => c.Address, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Info is null).First(), StringComparer.Ordinal);
        var rows = members
            .OrderBy(m => m.Zone, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal)
            .Select(m =>
            {
                var contact = contacts.GetValueOrDefault(m.Address);
                var fromHere = contact?.Info is not null
                    ? string.Create(CultureInfo.InvariantCulture, $"reachable ({contact.RoundTripMs:0.0} ms)")
                    : "UNREACHABLE: " + (contact?.Problem ?? "not tried");
                return new[] { m.Zone, m.Name, AkkaAddress.HostPort(m.Address), m.Reachable ? m.Status : $"{m.Status}, unreachable", fromHere };
            })
            .ToList();

        var unreachable = rows.Count(r => r[4].StartsWith("UNREACHABLE", StringComparison.Ordinal));
        var zones = members.Select(m => m.Zone).Distinct().Count();
        var status = members.Count == 0 ? "UNKNOWN" : unreachable > 0 ? "WARNING" : "OK";
        await output.WriteLineAsync($"CONN-CHECK AGENTS {status}: {members.Count} agent(s) in {zones} zone(s), {unreachable} unreachable from here").ConfigureAwait(false);
        await WriteTableAsync(["ZONE", "AGENT", "ADDRESS", "CLUSTER", "FROM HERE"], rows).ConfigureAwait(false);
        return members.Count == 0 ? 3 : unreachable > 0 ? 1 : 0;
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
