using ConnCheck.Checks.Model;

namespace ConnCheck.Protocol.Messages;

/// <summary>Marker for every message that crosses the wire between coordinator and agents.</summary>
public interface IProtocolMessage;

/// <summary>The wire protocol's version. Peers of different versions refuse each other with a clear message.</summary>
public static class ProtocolVersion
{
    public const int Current = 3;
}

/// <summary>Coordinator → agent: who are you? Also checks that both ends speak the same protocol.</summary>
public sealed record Hello(int Version) : IProtocolMessage;

/// <summary>Agent → coordinator: its identity, or why it refuses (protocol version).</summary>
public sealed record HelloReply(int Version, string Name, string Zone, string Host, string? Refusal = null) : IProtocolMessage;

/// <summary>Coordinator → agent: run these checks and stream a <see cref="CheckCompleted"/> for each.</summary>
public sealed record RunBatch(int Version, string RunId, string Zone, IReadOnlyList<CheckSpec> Checks, double DefaultTimeoutSeconds) : IProtocolMessage
{
    public override string ToString() => $"RunBatch {{ RunId = {RunId}, Zone = {Zone}, Checks = {Checks.Count} }}";
}

/// <summary>Agent → coordinator: one check finished.</summary>
public sealed record CheckCompleted(string RunId, CheckResult Result) : IProtocolMessage;

/// <summary>
/// Agent → coordinator: checks that finished within a few milliseconds of each other, sent as one
/// message (one serialization and one remoting envelope instead of one per result).
/// </summary>
public sealed record CheckResults(string RunId, IReadOnlyList<CheckResult> Results) : IProtocolMessage
{
    public override string ToString() => $"CheckResults {{ RunId = {RunId}, Results = {Results.Count} }}";
}

/// <summary>Agent → coordinator: every check of the batch has been reported.</summary>
public sealed record BatchCompleted(string RunId, int Reported) : IProtocolMessage;

/// <summary>Agent → coordinator: the batch was not run at all, and why.</summary>
public sealed record BatchRejected(string RunId, string Reason) : IProtocolMessage;

/// <summary>Coordinator → agent: stop what is left of a batch (deadline passed, run interrupted).</summary>
public sealed record CancelBatch(string RunId) : IProtocolMessage;

/// <summary>Coordinator → seed agent: the live agents of the cluster, please.</summary>
public sealed record GetAgents(int Version) : IProtocolMessage;

/// <summary>One cluster member as a seed sees it.</summary>
public sealed record AgentEntry(string Name, string Zone, string Address, string Host, int Port, string Status, bool Reachable)
{
    /// <summary>The status of an agent that lists itself because it has not joined any cluster (its seeds are unreachable).</summary>
    public const string NotJoined = "not joined";
}

/// <summary>Seed agent → coordinator: the membership it sees.</summary>
public sealed record AgentList(int Version, IReadOnlyList<AgentEntry> Agents, string? Refusal = null) : IProtocolMessage;
