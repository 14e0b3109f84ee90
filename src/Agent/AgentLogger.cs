using System.Globalization;
using Akka.Actor;
using Akka.Event;

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
        var stackTraces = Context.System.Settings.Config.GetBoolean("conn-check.agent.log-stack-traces", false);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Out.WriteLine(Format(e, stackTraces)));
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
