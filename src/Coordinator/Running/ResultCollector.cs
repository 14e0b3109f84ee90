using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Running;

/// <summary>
/// Gathers results as they stream in from any vantage point, keeps exactly one per assignment,
/// and turns whatever never arrived into UNKNOWN with the reason.
/// </summary>
public sealed class ResultCollector
{
    private readonly object gate = new();
    private readonly Dictionary<(int CheckId, string Zone, string? Agent), Assignment> pending = [];
    private readonly List<CheckResult> results = [];
    private readonly TaskCompletionSource allReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<CheckResult>? onResult;

    public ResultCollector(IEnumerable<Assignment> expected, Action<CheckResult>? onResult = null)
    {
        this.onResult = onResult;
        foreach (var assignment in expected)
        {
            pending[Key(assignment)] = assignment;
        }

        if (pending.Count == 0)
        {
            allReceived.TrySetResult();
        }
    }

    /// <summary>Completes when every expected result has arrived (or been given up on).</summary>
    public Task AllReceived => allReceived.Task;

    public int PendingCount
    {
        get
        {
            lock (gate)
            {
                return pending.Count;
            }
        }
    }

    /// <summary>Adds a result; ignores one nobody asked for or one that already arrived.</summary>
    public bool Add(CheckResult result)
    {
        lock (gate)
        {
            if (!pending.Remove((result.CheckId, result.Zone, result.Agent)))
            {
                return false;
            }

            results.Add(result);
            onResult?.Invoke(result);
            if (pending.Count == 0)
            {
                allReceived.TrySetResult();
            }

            return true;
        }
    }

    /// <summary>Gives up on the pending assignments that match, with the reason (agent lost, ...).</summary>
    public void GiveUp(Func<Assignment, bool> which, string reason)
    {
        lock (gate)
        {
            foreach (var assignment in pending.Values.Where(which).ToList())
            {
                Add(RunPlan.Result(assignment.Check, assignment.Zone, Key(assignment).Agent, CheckStatus.Unknown, reason));
            }
        }
    }

    /// <summary>Everything received, plus UNKNOWN for whatever is still pending.</summary>
    public IReadOnlyList<CheckResult> Finish(string reasonForPending)
    {
        GiveUp(_ => true, reasonForPending);
        lock (gate)
        {
            return results.ToArray();
        }
    }

    private static (int CheckId, string Zone, string? Agent) Key(Assignment a) =>
        (a.Check.Id, a.Zone, a.Agent?.Name ?? (a.Zone == Zones.Local ? null : RunPlan.SimulatedAgent));
}
