namespace ConnCheck.Agent;

/// <summary>How this agent was started (conn-check-agent command line).</summary>
public sealed record AgentOptions
{
    public required string Zone { get; init; }
    public required string Name { get; init; }
    public string BindHost { get; init; } = "0.0.0.0";
    public int BindPort { get; init; } = 4550;
    public string? PublicHostname { get; init; }
    public IReadOnlyList<string> Seeds { get; init; } = [];
    public string? HoconFile { get; init; }

    /// <summary>--allow entries (CIDR:PORTS), added to conn-check.agent.allow.</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary>The host name other nodes use to reach this agent.</summary>
    public string AdvertisedHost => PublicHostname ?? (BindHost is "0.0.0.0" or "::" ? System.Net.Dns.GetHostName() : BindHost);
}
