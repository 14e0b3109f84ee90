namespace ConnCheck.Coordinator.Cli;

/// <summary>Everything the run command was asked to do, parsed from the command line.</summary>
public sealed record RunSettings
{
    public required string ConfigPath { get; init; }
    public IReadOnlyList<string> Patterns { get; init; } = [];
    public bool ValidateOnly { get; init; }
    public bool DryRun { get; init; }
    public IReadOnlyList<string> IncludeTags { get; init; } = [];
    public IReadOnlyList<string> ExcludeTags { get; init; } = [];
    public double ConnectTimeoutSeconds { get; init; } = 10;
    public double? MaxTimeoutSeconds { get; init; }
    public bool Unbuffered { get; init; }
    public bool Verbose { get; init; }
    public bool Durations { get; init; }
    public bool Tracebacks { get; init; }
    public string? TlsCertsPath { get; init; }
    public string Format { get; init; } = "nagios";
    public bool Matrix { get; init; }
    public string? HtmlPath { get; init; }
    public IReadOnlyList<string> Seeds { get; init; } = [];
    public IReadOnlyList<string> Agents { get; init; } = [];
    public bool Local { get; init; }
    public string? HoconFile { get; init; }
    public string? Bind { get; init; }
    public string? PublicHostname { get; init; }
    public int Concurrency { get; init; } = 1024;
    public string? HistoryPath { get; init; }
    public History.Retention HistoryKeep { get; init; } = new(null, TimeSpan.FromDays(30));
    public bool WarnOnChange { get; init; }
    public string? TextfileDirectory { get; init; }
}
