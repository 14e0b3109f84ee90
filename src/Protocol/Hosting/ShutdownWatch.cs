using Akka;
using Akka.Actor;

namespace ConnCheck.Protocol.Hosting;

/// <summary>
/// When an ActorSystem starts to stop, and why. Akka.Remote stops the whole system from a transport
/// thread when a TLS handshake the system started fails, and that termination may never complete:
/// waits must race the start of the shutdown, not <see cref="ActorSystem.WhenTerminated"/>.
/// </summary>
public static class ShutdownWatch
{
    private const string TlsFailurePrefix = "TLS handshake failed";

    /// <summary>A task that completes as soon as <paramref name="system"/> starts shutting down (or has terminated).</summary>
    public static Task Started(ActorSystem system)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "conn-check-shutdown-started", () =>
        {
            started.TrySetResult();
            return Task.FromResult(Done.Instance);
        });
        system.WhenTerminated.ContinueWith(_ => started.TrySetResult(), TaskScheduler.Default);
        return started.Task;
    }

    /// <summary>
    /// Akka's words when a failed TLS handshake stopped <paramref name="system"/> ("TLS handshake failed
    /// on outbound connection to [ENDPOINT]"), or null when it did not.
    /// </summary>
    public static string? TlsFailure(ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason?.ToString() is { } reason && reason.StartsWith(TlsFailurePrefix, StringComparison.Ordinal) ? reason : null;
}
