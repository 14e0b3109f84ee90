using Akka.Actor;
using Akka.Event;

namespace ConnCheck.Coordinator.Remote;

/// <summary>
/// Akka log events to stderr: stdout belongs to the Nagios report. An UntypedActor, as
/// <see cref="RemoteRequest"/>'s: it starts with every coordinator's ActorSystem.
/// </summary>
public sealed class StderrLogger : UntypedActor
{
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case InitializeLogger:
                Sender.Tell(new LoggerInitialized());
                break;
            case LogEvent e:
                Console.Error.WriteLine($"conn-check: akka {e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToLowerInvariant()}: {e.LogSource}: {FirstLine(e.Message)}");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    // Akka's TLS errors carry pages of troubleshooting text: the first line says what happened.
    private static string FirstLine(object? message) => message?.ToString()?.Split('\n', 2)[0].TrimEnd() ?? "";
}
