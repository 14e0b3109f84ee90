namespace ConnCheck.Checks.Model;

/// <summary>Outcome of a check, ordered from worst to best the way the report sorts them.</summary>
public enum CheckStatus
{
    Failed,
    Warning,
    Unknown,
    Ok,
    Skipped,
}

/// <summary>One step of a check, named as the original conn-check names sub-checks (tcp:host:port, auth...).</summary>
public sealed record SubCheckResult(string Name, bool Passed, double DurationMs, string? Message = null);

/// <summary>The result of one check on one vantage point (zone and agent).</summary>
public sealed record CheckResult
{
    public required int CheckId { get; init; }
    public required string Name { get; init; }
    public required string Type { get; init; }
    public required string Destination { get; init; }
    public required CheckStatus Status { get; init; }
    public string? Reason { get; init; }
    public double DurationMs { get; init; }
    public string Zone { get; init; } = Zones.Local;
    public string? Agent { get; init; }
    public IReadOnlyList<SubCheckResult> SubChecks { get; init; } = [];

    /// <summary>Latency of the check's main step, the one warn_ms/crit_ms apply to.</summary>
    public double? MainStepMs { get; init; }

    /// <summary>Expiry of the certificate the far end presented, for TLS-bearing checks.</summary>
    public DateTimeOffset? CertificateNotAfter { get; init; }

    /// <summary>"zone/agent name" as the report prints it; just the name for the local zone.</summary>
    public string Label => Zone == Zones.Local && Agent is null ? Name : $"{Zone}/{Agent ?? "-"} {Name}";
}
