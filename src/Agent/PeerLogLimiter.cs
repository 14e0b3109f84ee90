using System.Text.RegularExpressions;
using Akka.Event;

namespace ConnCheck.Agent;

/// <summary>
/// At most one line per inbound connection: a peer that sends garbage on the agent port
/// makes Akka's DotNetty transport log one line per decode error, a TLS failure twice, and the
/// protocol layer once more. The first line about a peer endpoint (HOST:PORT, the peer's ephemeral
/// port; INFO and above) is kept; the rest about it within <see cref="Window"/> are dropped. Bounded memory.
/// </summary>
public sealed partial class PeerLogLimiter(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int MaxPeers = 10_000;
    private readonly Dictionary<string, DateTimeOffset> seen = new(StringComparer.Ordinal);

    public bool ShouldLog(LogEvent e)
    {
        if (e.LogLevel() < LogLevel.InfoLevel || Peer(e.LogSource, e.Message?.ToString()) is not { } peer)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        if (seen.TryGetValue(peer, out var first) && now - first < Window)
        {
            return false;
        }

        if (seen.Count >= MaxPeers)
        {
            foreach (var old in seen.Where(p => now - p.Value >= Window).Select(p => p.Key).ToArray())
            {
                seen.Remove(old);
            }

            if (seen.Count >= MaxPeers)
            {
                seen.Clear();
            }
        }

        seen[peer] = now;
        return true;
    }

    /// <summary>The remote endpoint of the inbound connection a transport log line is about, or null.</summary>
    public static string? Peer(string? source, string? message)
    {
        var text = Uri.UnescapeDataString(source ?? "") + " " + message;
        var match = ChannelPeer().Match(text);
        if (!match.Success)
        {
            match = RejectedPeer().Match(text);
        }

        if (!match.Success)
        {
            match = ProtocolPeer().Match(text);
        }

        return match.Success ? match.Groups["peer"].Value.Replace("[::ffff:", "", StringComparison.Ordinal).Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal) : null;
    }

    // "channel [[::ffff:127.0.0.1]:4550->[::ffff:127.0.0.1]:43882](Id=...)"
    [GeneratedRegex(@"[Cc]hannel \[.*?->(?<peer>\[[^\]]*\]:\d+|[^\]\s]+:\d+)\]")]
    private static partial Regex ChannelPeer();

    // "Rejected incoming connection from [[::ffff:127.0.0.1]:43008]"
    [GeneratedRegex(@"incoming connection from \[(?<peer>\[[^\]]*\]:\d+|[^\]\s]+:\d+)\]")]
    private static partial Regex RejectedPeer();

    // sources ".../akkaProtocol-tcp://conn-check@[::ffff:127.0.0.1]:43796-33" (the inbound connection) and
    // ".../reliableEndpointWriter-akka.tcp://conn-check@127.0.0.1:43401-2" (the association to the address a peer claimed)
    [GeneratedRegex(@"/(?:akkaProtocol|reliableEndpointWriter)-[\w.]+://[^@/]+@(?<peer>\[[^\]]*\]:\d+|[^:/\s]+:\d+)-\d+")]
    private static partial Regex ProtocolPeer();
}
