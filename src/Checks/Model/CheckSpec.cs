using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConnCheck.Checks.Model;

/// <summary>Where a check runs when its zone has several live agents.</summary>
public enum RunOn
{
    All,
    Any,
}

/// <summary>
/// One validated check, ready to run anywhere: the coordinator builds it from the YAML and sends
/// it to agents unchanged. <see cref="Options"/> holds the type's own options, already validated
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

    /// <summary>The check type's options record (null only in a spec built by hand that never runs).</summary>
    public CheckOptions? Options { get; init; }

    /// <summary>The options an agent in a zone uses instead, where the check's <c>zones:</c> field overrides some.</summary>
    public IReadOnlyDictionary<string, CheckOptions> ZoneOptions { get; init; } = new Dictionary<string, CheckOptions>();

    /// <summary>The options as a check in <paramref name="zone"/> runs them.</summary>
    public CheckOptions OptionsIn(string zone) =>
        ZoneOptions.GetValueOrDefault(zone) ?? Options ?? throw new InvalidOperationException($"check {Id} ({Type}) has no options");

    /// <summary>
    /// The options as YAML-named fields (<c>host</c>, <c>disable_tls_verification</c>; unset ones left
    /// out), for tests and tools; not sent, and never on the run path (it builds serializer metadata).
    /// </summary>
    [JsonIgnore]
    public IReadOnlyDictionary<string, JsonElement> Fields =>
        Options is null
            ? new Dictionary<string, JsonElement>()
            : JsonSerializer.SerializeToElement(Options, Options.GetType(), FieldNames).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);

    /// <summary>Line of the check in its config file, for messages.</summary>
    public int Line { get; init; }

    private static readonly JsonSerializerOptions FieldNames = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    // The generated ToString would walk Options; keep secrets out of every log and dump.
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
