using System.Globalization;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Running;

/// <summary>Runs a batch of checks on one remote agent, streaming each result as it finishes.</summary>
public interface IAgentDispatcher
{
    /// <summary>
    /// Sends <paramref name="checks"/> to <paramref name="agent"/>. Completes when the agent has
    /// reported every check, or throws <see cref="AgentLostException"/> when it can no longer answer.
    /// </summary>
    Task RunBatchAsync(AgentInfo agent, IReadOnlyList<CheckSpec> checks, Action<CheckResult> onResult, CancellationToken cancellationToken);
}

public sealed class AgentLostException(string reason) : Exception(reason);

/// <summary>Executes a plan: local and simulated checks in this process, the rest on their agents.</summary>
public sealed class RunExecutor(CheckRunner runner, IAgentDispatcher? dispatcher)
{
    /// <param name="remaining">Time left before the run's deadline, if it has one.</param>
    /// <param name="maxTimeout">The deadline as the operator gave it, for the UNKNOWN reason.</param>
    public async Task<IReadOnlyList<CheckResult>> ExecuteAsync(RunPlan plan, TimeSpan? remaining, TimeSpan? maxTimeout, Action<CheckResult>? onResult, CancellationToken cancellationToken)
    {
        // What cannot run or was not selected is known before anything starts: stream it first.
        foreach (var known in plan.Unrunnable.Concat(plan.Skipped))
        {
            onResult?.Invoke(known);
        }

        var collector = new ResultCollector(plan.Assignments, onResult);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (remaining is { } limit)
        {
            deadline.CancelAfter(limit);
        }

        var work = new List<Task>();
        foreach (var group in plan.Assignments.Where(a => a.Agent is null).GroupBy(a => a.Zone))
        {
            var vantage = new Vantage(group.Key, group.Key == Zones.Local ? null : RunPlan.SimulatedAgent);
            work.Add(RunHereAsync(group.Select(a => a.Check).ToArray(), vantage, collector, deadline.Token));
        }

        foreach (var group in plan.Assignments.Where(a => a.Agent is not null).GroupBy(a => a.Agent!))
        {
            work.Add(RunOnAgentAsync(group.Key, group.Select(a => a.Check).ToArray(), collector, deadline.Token));
        }

        try
        {
            await collector.AllReceived.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }

        var reason = cancellationToken.IsCancellationRequested
            ? "run interrupted"
            : $"deadline passed (--max-timeout {maxTimeout?.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s) before the check finished";
        var results = collector.Finish(reason);
        await deadline.CancelAsync().ConfigureAwait(false);
        _ = Task.WhenAll(work).ContinueWith(static t => t.Exception, TaskScheduler.Default);
        return results.Concat(plan.Unrunnable).Concat(plan.Skipped).ToArray();
    }

    private async Task RunHereAsync(IReadOnlyList<CheckSpec> checks, Vantage vantage, ResultCollector collector, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(checks, vantage, r => { collector.Add(r); return ValueTask.CompletedTask; }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A bug must not leave the run waiting for results that will never come.
            collector.GiveUp(a => a.Agent is null && a.Zone == vantage.Zone, $"internal error: {Failures.OneLine(ex.Message)}");
        }
    }

    private async Task RunOnAgentAsync(AgentInfo agent, IReadOnlyList<CheckSpec> checks, ResultCollector collector, CancellationToken cancellationToken)
    {
        if (dispatcher is null)
        {
            collector.GiveUp(a => a.Agent == agent, "no dispatcher for remote agents");
            return;
        }

        try
        {
            await dispatcher.RunBatchAsync(agent, checks, r => collector.Add(r), cancellationToken).ConfigureAwait(false);
            collector.GiveUp(a => a.Agent == agent, $"agent {agent.Name} finished without reporting this check");
        }
        catch (AgentLostException ex)
        {
            collector.GiveUp(a => a.Agent == agent, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
