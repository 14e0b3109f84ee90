using System.Text.Json.Serialization;

namespace ConnCheck.Checks.Model;

/// <summary>How a destination is reached: what a firewall rule for it names.</summary>
public enum DestinationProtocol
{
    [JsonStringEnumMemberName("tcp")]
    Tcp,

    [JsonStringEnumMemberName("udp")]
    Udp,

    /// <summary>A Unix socket on the agent's own host: no firewall rule applies.</summary>
    [JsonStringEnumMemberName("unix")]
    Unix,
}

public static class DestinationProtocols
{
    /// <summary>The lower-case word reports, step names and firewall rules use.</summary>
    public static string Word(this DestinationProtocol protocol) => protocol switch
    {
        DestinationProtocol.Udp => "udp",
        DestinationProtocol.Unix => "unix",
        _ => "tcp",
    };

    /// <summary>Whether a firewall rule can open (or close) the path: an IP protocol with a port.</summary>
    public static bool IsNetwork(this DestinationProtocol protocol) => protocol is DestinationProtocol.Tcp or DestinationProtocol.Udp;
}
