namespace ConnCheck.Tests.Support;

/// <summary>HOCON files that switch conn-check.tls on, written to temp files for --hocon.</summary>
public static class TlsHocon
{
    /// <summary>PEM certificate and key; trust by <paramref name="caPath"/> and/or <paramref name="pins"/>.</summary>
    public static TempConfig Pem(ServerCertificate own, string? caPath, IEnumerable<string>? pins = null, string extra = "") =>
        Write($"""
            certificate = "{own.CertificatePath}"
            key = "{own.KeyPath}"
            {Trust(caPath, pins)}
            {extra}
            """);

    /// <summary>A PKCS#12 file with its password; trust by <paramref name="caPath"/>.</summary>
    public static TempConfig Pfx(string pfxPath, string password, string caPath) =>
        Write($"""
            certificate = "{pfxPath}"
            password = "{password}"
            ca = "{caPath}"
            """);

    public static TempConfig Write(string tlsBody) => new($$"""
        conn-check.tls {
          enabled = on
        {{tlsBody}}
        }
        """, "tls.hocon");

    private static string Trust(string? caPath, IEnumerable<string>? pins)
    {
        var lines = new List<string>();
        if (caPath is not null)
        {
            lines.Add($"ca = \"{caPath}\"");
        }

        if (pins is not null)
        {
            lines.Add($"pinned-thumbprints = [{string.Join(", ", pins.Select(p => $"\"{p}\""))}]");
        }

        return string.Join('\n', lines);
    }
}
