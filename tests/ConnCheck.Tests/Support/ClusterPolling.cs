namespace ConnCheck.Tests.Support;

/// <summary>Waits until <c>conn-check agents</c> lists the expected number of agents, all reachable.</summary>
public static class ClusterPolling
{
    /// <param name="listAgents">Runs <c>conn-check agents --seed ...</c> the way the caller's coordinator would (namespace, TLS).</param>
    /// <param name="diagnostics">Extra text for the failure message, such as the agents' logs.</param>
    public static async Task WaitForAgentsAsync(Func<Task<ProcessResult>> listAgents, int count, TimeSpan limit, Func<string>? diagnostics = null)
    {
        var until = DateTime.UtcNow + limit;
        ProcessResult? last = null;
        while (DateTime.UtcNow < until)
        {
            last = await listAgents();
            if (last.ExitCode == 0 && last.StatusLine.Contains($": {count} agent(s)", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"the cluster did not reach {count} agents within {limit}: {last}\n{diagnostics?.Invoke()}");
    }
}
