using Akka.Configuration;

namespace ConnCheck.Protocol.Hosting;

/// <summary>Loads the HOCON files shipped beside the binaries (hocon/*.hocon) and the operator's own.</summary>
public static class HoconFiles
{
    public static Config Shipped(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "hocon", name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"shipped HOCON file missing: {path}");
        }

        return ConfigurationFactory.ParseString(File.ReadAllText(path));
    }

    /// <summary>The operator's --hocon file, or an empty config.</summary>
    public static Config Operator(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return Config.Empty;
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"HOCON file not found: {path}");
        }

        try
        {
            return ConfigurationFactory.ParseString(File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is not IOException)
        {
            throw new FormatException($"{path}: invalid HOCON: {ex.Message}", ex);
        }
    }

    /// <summary>A HOCON string literal.</summary>
    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
