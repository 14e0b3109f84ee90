using ConnCheck.Checks.Model;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Running;

/// <summary>--dry-run: what would run where, without connecting. Names and destinations only, never field values.</summary>
public static class DryRun
{
    public static async Task WriteAsync(RunPlan plan, TextWriter output)
    {
        await output.WriteLineAsync($"{plan.Assignments.Count} check run(s) planned, {plan.Unrunnable.Count} cannot run, {plan.Skipped.Count} skipped").ConfigureAwait(false);
        foreach (var assignment in plan.Assignments.OrderBy(a => a.Zone, StringComparer.Ordinal).ThenBy(a => a.AgentName, StringComparer.Ordinal).ThenBy(a => a.Check.Id))
        {
            var where = assignment.Zone == Zones.Local ? "local" : $"{assignment.Zone}/{assignment.AgentName}";
            var address = assignment.Agent is null ? "" : $" at {AkkaAddress.HostPort(assignment.Agent.Address)}";
            var reachability = assignment.Check.Reachable ? "" : " (must be unreachable)";
            await output.WriteLineAsync($"{where}{address}: {assignment.Check.Name} -> {assignment.Check.Destination.Protocol.Word()} {assignment.Check.Destination}{reachability}").ConfigureAwait(false);
        }

        foreach (var result in plan.Unrunnable)
        {
            await output.WriteLineAsync($"{result.Zone}: {result.Name} UNKNOWN - {result.Reason}").ConfigureAwait(false);
        }
    }
}
