using Akka.Actor;
using Akka.Event;

namespace ConnCheck.Coordinator.Remote;

/// <summary>Akka log events to stderr: stdout belongs to the Nagios report.</summary>
public sealed class StderrLogger : ReceiveActor
{
    public StderrLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"conn-check: akka {e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToLowerInvariant()}: {e.LogSource}: {FirstLine(e.Message)}"));
    }

    // Akka's TLS errors carry pages of troubleshooting text: the first line says what happened.
    private static string FirstLine(object? message) => message?.ToString()?.Split('\n', 2)[0].TrimEnd() ?? "";
}
