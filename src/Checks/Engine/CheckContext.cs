using System.Security.Cryptography.X509Certificates;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>What a check needs from its surroundings besides its own fields.</summary>
public sealed record CheckContext(TimeSpan Timeout, TlsSettings Tls)
{
    /// <summary>The agent's allowlist, for connections a check makes beyond its destination (http redirects).</summary>
    public Allowlist? Allowlist { get; init; }

    /// <summary>The zone the check runs in, for fields overridden per zone.</summary>
    public string Zone { get; init; } = Zones.Local;

    public static CheckContext Default { get; } = new(TimeSpan.FromSeconds(10), TlsSettings.SystemOnly);
}

/// <summary>Extra CA certificates (--tls-certs-path) trusted in addition to the system store.</summary>
public sealed class TlsSettings(X509Certificate2Collection extraRoots)
{
    public static TlsSettings SystemOnly { get; } = new([]);

    public X509Certificate2Collection ExtraRoots { get; } = extraRoots;

    /// <summary>Loads every *.pem and *.crt under <paramref name="directory"/>.</summary>
    public static TlsSettings FromDirectory(string? directory)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return SystemOnly;
        }

        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"TLS certificate directory not found: {directory}");
        }

        var roots = new X509Certificate2Collection();
        foreach (var file in Directory.EnumerateFiles(directory).Where(f => f.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)).Order())
        {
            roots.ImportFromPemFile(file);
        }

        return new TlsSettings(roots);
    }
}
