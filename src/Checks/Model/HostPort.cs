using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Checks.Model;

/// <summary>
/// The one way host:port is written anywhere conn-check shows or sends it (check names, sub-checks,
/// perfdata, the zone matrix, firewall output, Akka addresses): an IPv6 literal is bracketed,
/// <c>[::1]:5432</c>, so the port can be told from the address.
/// </summary>
public static class HostPort
{
    /// <summary>HOST:PORT; an IPv6 literal (bracketed or not) as [ADDRESS]:PORT.</summary>
    public static string Format(string host, int port) => $"{Host(host)}:{port}";

    /// <summary>The host as it appears before a port: an IPv6 literal bracketed, anything else unchanged.</summary>
    public static string Host(string host)
    {
        var bare = Bare(host);
        return bare.Contains(':', StringComparison.Ordinal) ? $"[{bare}]" : bare;
    }

    /// <summary>An address as a report shows it: IPv4 dotted (also when IPv4-mapped), IPv6 bracketed.</summary>
    public static string Address(IPAddress address)
    {
        var shown = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return shown.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{shown}]" : shown.ToString();
    }

    /// <summary>The host without the brackets an IPv6 literal may be written with: "[::1]" is "::1".</summary>
    public static string Bare(string host) =>
        host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;

    /// <summary>The host is an IP address (IPv4, or IPv6 with or without brackets), not a name to resolve.</summary>
    public static bool IsLiteral(string host) => IPAddress.TryParse(Bare(host), out _);
}
