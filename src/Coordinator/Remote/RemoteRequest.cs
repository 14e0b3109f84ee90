using Akka.Actor;
using Akka.Remote;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Remote;

/// <summary>A remote peer that could not be reached, with the transport's reason.</summary>
public sealed class PeerUnreachableException(string message) : Exception(message);

/// <summary>
/// Asks a remote actor and fails as soon as the transport does (refused, reset, TLS handshake
/// refused) instead of waiting for the ask to time out.
/// </summary>
public static class RemoteRequest
{
    /// <summary>
    /// Asks once. With no connection to the peer within <paramref name="timeout"/> it is unreachable;
    /// once the connection is up, the peer process is alive and gets <see cref="CoordinatorRemoting.AnswerTimeout"/>
    /// in all to answer (a just-started agent on a loaded host may take longer than the first).
    /// </summary>
    /// <returns>The answer, and the actor that sent it (so one round trip both greets and resolves a peer).</returns>
    public static async Task<(object Answer, IActorRef From)> AskAsync(CoordinatorRemoting remoting, ActorSelection target, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var system = remoting.System;
        var reply = new TaskCompletionSource<(object, IActorRef)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var answerTimeout = remoting.AnswerTimeout > timeout ? remoting.AnswerTimeout : timeout;
        var asker = system.ActorOf(Props.Create<AskActor>(target, message, timeout, answerTimeout, reply));
        await using var cancel = cancellationToken.Register(() => reply.TrySetCanceled(cancellationToken)).ConfigureAwait(false);
        try
        {
            var finished = await Task.WhenAny(reply.Task, remoting.Stopping).ConfigureAwait(false);
            return finished == reply.Task
                ? await reply.Task.ConfigureAwait(false)
                : throw new PeerUnreachableException(StoppedReason(remoting, target.Anchor.Path.Address));
        }
        finally
        {
            system.Stop(asker);
        }
    }

    /// <summary>Why the coordinator's ActorSystem stopped under a request to <paramref name="remote"/>.</summary>
    public static string StoppedReason(CoordinatorRemoting remoting, Address remote) =>
        remoting.TlsCulprit is not { } culprit ? "the coordinator's remoting stopped"
        : culprit == CoordinatorRemoting.Bare($"{remote.Host}:{remote.Port}") ? TlsRefused
        : $"not asked: the coordinator's remoting stopped when the TLS handshake with {culprit} failed (see conn-check.tls)";

    /// <summary>What a refused TLS handshake is reported as.</summary>
    public const string TlsRefused = "TLS handshake failed: the peer refused this coordinator's certificate or presented one it does not trust (see conn-check.tls)";

    /// <summary>Words for why an association failed, without Akka's addresses and stack.</summary>
    public static string Describe(Exception? cause, bool secure = false) => PeerFailures.Classify(cause, secure) switch
    {
        PeerFailure.TlsFailed => TlsRefused,
        PeerFailure.ClosedAtOnce => "the peer closed the connection at once (it may require TLS: see conn-check.tls)",
        var failure => PeerFailures.TransportWords(failure) ?? PeerFailures.OneLine(cause, "connection failed"),
    };

    // An UntypedActor: a ReceiveActor builds its message matcher from expression trees the first
    // time one of its type starts, which a cold coordinator pays for on its way to the first answer.
    private sealed class AskActor : UntypedActor, IWithTimers
    {
        private readonly ActorSelection target;
        private readonly object message;
        private readonly TimeSpan timeout;
        private readonly TimeSpan answerTimeout;
        private readonly TaskCompletionSource<(object, IActorRef)> reply;
        private readonly Address remote;
        private readonly bool secure;
        private bool connected;
        private bool extended;

        public AskActor(ActorSelection target, object message, TimeSpan timeout, TimeSpan answerTimeout, TaskCompletionSource<(object, IActorRef)> reply)
        {
            this.target = target;
            this.message = message;
            this.timeout = timeout;
            this.answerTimeout = answerTimeout;
            this.reply = reply;
            remote = target.Anchor.Path.Address;
            secure = TransportSecurity.IsEnabled(Context.System.Settings.Config);
        }

        protected override void OnReceive(object received)
        {
            switch (received)
            {
                case AssociationErrorEvent e when e.RemoteAddress.Equals(remote):
                    reply.TrySetException(new PeerUnreachableException(Describe(e.Cause, secure)));
                    break;
                case DisassociatedEvent e when e.RemoteAddress.Equals(remote):
                    reply.TrySetException(new PeerUnreachableException("connection closed"));
                    break;
                // A connection that never comes up (packets dropped on the way, host down) is a firewall
                // question; one that does, with no answer on it, is the far process's (frozen, overloaded).
                case AssociatedEvent e:
                    connected |= e.RemoteAddress.Equals(remote);
                    break;
                case Deadline when connected && !extended && answerTimeout > timeout:
                    extended = true;
                    Timers.StartSingleTimer("deadline", Deadline.Instance, answerTimeout - timeout);
                    break;
                case Deadline:
                    // The accepting side may refuse our certificate after our side of the handshake
                    // completed: nothing comes back but silence, so under TLS say that instead.
                    reply.TrySetException(new TimeoutException(
                        connected ? $"connected, but no answer within {answerTimeout.TotalSeconds:0.#}s"
                        : secure ? $"no answer within {timeout.TotalSeconds:0.#}s (TLS: does the peer trust this coordinator's certificate? see conn-check.tls)"
                        : $"no answer within {timeout.TotalSeconds:0.#}s (no connection: packets dropped on the way?)"));
                    break;
                case RemotingLifecycleEvent:
                    break;
                default:
                    reply.TrySetResult((received, Sender));
                    break;
            }
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart()
        {
            Context.System.EventStream.Subscribe(Self, typeof(RemotingLifecycleEvent));
            // An absolute deadline: a receive timeout would restart with every remoting event.
            Timers.StartSingleTimer("deadline", Deadline.Instance, timeout);
            target.Tell(message, Self);
        }

        protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

        private sealed class Deadline
        {
            public static readonly Deadline Instance = new();
        }
    }
}
