using System.Text.Json;

namespace ConnCheck.Checks.Model;

/// <summary>Where a check runs when its zone has several live agents.</summary>
public enum RunOn
{
    All,
    Any,
}

/// <summary>
/// One validated check, ready to run anywhere: the coordinator builds it from the YAML and sends
/// it to agents unchanged. <see cref="Fields"/> holds the type's own fields, already type-checked
/// and with <c>${VAR}</c> references resolved, so it may contain secrets: never log it.
/// </summary>
public sealed record CheckSpec
{
    public required int Id { get; init; }
    public required string Type { get; init; }
    public required string Name { get; init; }
    public required Destination Destination { get; init; }
    public IReadOnlyList<string> From { get; init; } = [Zones.Local];
    public RunOn On { get; init; } = RunOn.All;
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>What name patterns match: the name, the generated name, and the original's names of the steps.</summary>
    public IReadOnlyList<string> PatternNames { get; init; } = [];
    public double? TimeoutSeconds { get; init; }
    public bool Reachable { get; init; } = true;
    public double? WarnMs { get; init; }
    public double? CritMs { get; init; }
    public double? CertWarnDays { get; init; }
    public double? CertCritDays { get; init; }
    public IReadOnlyDictionary<string, JsonElement> Fields { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Line of the check in its config file, for messages.</summary>
    public int Line { get; init; }

    // The generated ToString would walk Fields; keep secrets out of every log and dump.
    public override string ToString() => $"CheckSpec {{ Id = {Id}, Name = {Name}, From = [{string.Join(", ", From)}] }}";
}

/// <summary>The far end of a check: what a firewall rule must allow.</summary>
public sealed record Destination(string Host, int Port, DestinationProtocol Protocol = DestinationProtocol.Tcp)
{
    public override string ToString() => Port == 0 ? Host : HostPort.Format(Host, Port);
}

public static class Zones
{
    public const string Local = "local";
}
