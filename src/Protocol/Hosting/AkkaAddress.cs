using System.Net;

namespace ConnCheck.Protocol.Hosting;

/// <summary>Agent addresses as operators write them (HOST:PORT) and as Akka needs them.</summary>
public static class AkkaAddress
{
    public const string SystemName = "conn-check";
    public const int DefaultAgentPort = 4550;

    /// <summary>
    /// Accepts HOST, HOST:PORT, [v6]:PORT or akka[.ssl].tcp://conn-check@HOST:PORT and returns the Akka
    /// address (akka.ssl.tcp when <paramref name="secure"/>: the transport decides the scheme, not
    /// the operator); null when the text is none of these.
    /// </summary>
    public static string? Normalize(string text, bool secure = false)
    {
        var scheme = secure ? "akka.ssl.tcp" : "akka.tcp";
        text = text.Trim();
        foreach (var given in new[] { "akka.tcp://", "akka.ssl.tcp://" })
        {
            if (text.StartsWith(given, StringComparison.Ordinal))
            {
                return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo == SystemName && uri.Port > 0
                    ? $"{scheme}://{SystemName}@{uri.Authority[(uri.UserInfo.Length + 1)..]}"
                    : null;
            }
        }

        return TrySplit(text, out var host, out var port) ? $"{scheme}://{SystemName}@{Join(host, port)}" : null;
    }

    /// <summary>Splits HOST[:PORT] (default port 4550).</summary>
    public static bool TrySplit(string text, out string host, out int port, int defaultPort = DefaultAgentPort)
    {
        host = text;
        port = defaultPort;
        if (text.Length == 0)
        {
            return false;
        }

        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = text[1..close];
            var rest = text[(close + 1)..];
            return rest.Length == 0 || (rest[0] == ':' && int.TryParse(rest[1..], out port) && port is > 0 and < 65536);
        }

        var colon = text.LastIndexOf(':');
        if (colon >= 0 && text.IndexOf(':') == colon)
        {
            host = text[..colon];
            return host.Length > 0 && int.TryParse(text[(colon + 1)..], out port) && port is >= 0 and < 65536;
        }

        // A bare IPv6 address, or a host without a port.
        return colon < 0 || IPAddress.TryParse(text, out _);
    }

    public static string Join(string host, int port) => Checks.Model.HostPort.Format(host, port);

    /// <summary>HOST:PORT of an Akka address, for reports.</summary>
    public static string HostPort(string akkaAddress)
    {
        var at = akkaAddress.IndexOf('@');
        return at >= 0 ? akkaAddress[(at + 1)..].TrimEnd('/') : akkaAddress;
    }
}
