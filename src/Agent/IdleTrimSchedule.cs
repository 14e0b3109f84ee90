namespace ConnCheck.Agent;

/// <summary>
/// When an idle agent gives memory back (<see cref="MemoryTrim"/>): <c>first</c> after its start or its
/// last batch, then once more <c>again</c> after that trim, then not until the next batch ends. The
/// first trim comes while a new agent is still joining and settling (first gossip and heartbeats with
/// each member, their first JIT), which faults back in much of what it paged out; the second pages
/// out what that settling touched, leaving what the idle agent runs.
/// </summary>
public sealed class IdleTrimSchedule(TimeSpan first, TimeSpan again)
{
    private int trimsSinceWork;

    /// <summary>The agent started or its last batch ended: the delay to the next trim, or null for none.</summary>
    public TimeSpan? AfterWork()
    {
        trimsSinceWork = 0;
        return first > TimeSpan.Zero ? first : null;
    }

    /// <summary>A trim ran: the delay to the next one, or null for none until <see cref="AfterWork"/>.</summary>
    public TimeSpan? AfterTrim()
    {
        trimsSinceWork++;
        return trimsSinceWork == 1 && first > TimeSpan.Zero && again > TimeSpan.Zero ? again : null;
    }
}
