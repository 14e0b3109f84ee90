namespace ConnCheck.Coordinator.Config;

/// <summary>A problem in a config file, at a line and column (both 1-based; 0 when the file itself is the problem).</summary>
public sealed record ConfigError(string File, int Line, int Column, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}: {Message}" : $"{File}: {Message}";
}

/// <summary>Thrown when a config cannot be used; carries every problem found, in file order.</summary>
public sealed class ConfigException(IReadOnlyList<ConfigError> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<ConfigError> Errors { get; } = errors;

    public static ConfigException At(string file, int line, int column, string message) => new([new ConfigError(file, line, column, message)]);
}
