using System.Globalization;
using Akka.Actor;
using Akka.Event;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Agent;

/// <summary>
/// Akka log events on stdout, one line each: an agent on a hostile network may log a refused TLS
/// handshake every second, and Akka's default would print its troubleshooting page and a stack trace
/// for each. The cause keeps its type and message; stack traces only with
/// <c>conn-check.agent.log-stack-traces = on</c>.
/// </summary>
public sealed class AgentLogger : ReceiveActor
{
    public AgentLogger()
    {
        var config = Context.System.Settings.Config;
        var stackTraces = config.GetBoolean("conn-check.agent.log-stack-traces", false);
        var seedMarks = config.GetStringList("akka.cluster.seed-nodes", [])
            .Select(s => AkkaAddress.HostPort(s))
            .SelectMany(hostPort => new[] { "@" + hostPort, Uri.EscapeDataString("@" + hostPort) })
            .ToArray();
        var perPeer = new PeerLogLimiter(TimeProvider.System);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e =>
        {
            if (!IsSeedNoise(e, seedMarks) && perPeer.ShouldLog(e))
            {
                Console.Out.WriteLine(Format(e, stackTraces));
            }
        });
    }

    /// <summary>
    /// Akka's warnings about seeds it cannot join or associate with, repeated every few seconds for
    /// as long as they are unreachable: <see cref="Membership.JoinWatch"/> says it once instead.
    /// Kept at DEBUG level, where every detail is wanted.
    /// </summary>
    public static bool IsSeedNoise(LogEvent e, IReadOnlyList<string> seedMarks)
    {
        if (e is Debug)
        {
            return false;
        }

        var source = e.LogSource ?? "";
        if (source.Contains("joinSeedNodeProcess", StringComparison.Ordinal) || source.Contains("firstSeedNodeProcess", StringComparison.Ordinal))
        {
            return true;
        }

        var remoting = source.Contains("endpointManager", StringComparison.Ordinal) || source.Contains("akkaProtocol", StringComparison.Ordinal) || source.StartsWith("remoting", StringComparison.Ordinal);
        var text = source + " " + e.Message;
        return remoting && seedMarks.Any(mark => text.Contains(mark, StringComparison.OrdinalIgnoreCase));
    }

    public static string Format(LogEvent e, bool stackTraces)
    {
        var level = e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant();
        var line = $"[{level}][{e.Timestamp.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)}][{e.LogSource}] {FirstLine(e.Message?.ToString())}";
        if (e.Cause is null)
        {
            return line;
        }

        return stackTraces ? $"{line}\n{e.Cause}" : $"{line} (cause: {Describe(e.Cause)})";
    }

    private static string Describe(Exception cause)
    {
        var parts = new List<string>();
        for (var ex = cause; ex is not null && parts.Count < 3; ex = ex.InnerException)
        {
            parts.Add($"{ex.GetType().Name}: {FirstLine(ex.Message)}");
        }

        return string.Join(" <- ", parts);
    }

    // Akka's TLS errors carry pages of troubleshooting text: the first line says what happened.
    private static string FirstLine(string? text) => text?.Split('\n', 2)[0].TrimEnd() ?? "";
}
