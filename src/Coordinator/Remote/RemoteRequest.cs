using Akka.Actor;
using Akka.Remote;

namespace ConnCheck.Coordinator.Remote;

/// <summary>A remote peer that could not be reached, with the transport's reason.</summary>
public sealed class PeerUnreachableException(string message) : Exception(message);

/// <summary>
/// Asks a remote actor and fails as soon as the transport does (refused, reset, TLS handshake
/// refused) instead of waiting for the ask to time out.
/// </summary>
public static class RemoteRequest
{
    /// <returns>The answer, and the actor that sent it (so one round trip both greets and resolves a peer).</returns>
    public static async Task<(object Answer, IActorRef From)> AskAsync(ActorSystem system, ActorSelection target, object message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = new TaskCompletionSource<(object, IActorRef)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asker = system.ActorOf(Props.Create(() => new AskActor(target, message, timeout, reply)));
        await using var cancel = cancellationToken.Register(() => reply.TrySetCanceled(cancellationToken)).ConfigureAwait(false);
        try
        {
            var finished = await Task.WhenAny(reply.Task, system.WhenTerminated).ConfigureAwait(false);
            return finished == reply.Task
                ? await reply.Task.ConfigureAwait(false)
                : throw new PeerUnreachableException("the coordinator's remoting stopped (TLS handshake refused?)");
        }
        finally
        {
            system.Stop(asker);
        }
    }

    /// <summary>Words for why an association failed, without Akka's addresses and stack.</summary>
    public static string Describe(Exception? cause)
    {
        var text = cause?.GetBaseException().Message ?? "connection failed";
        return text.Contains("refused", StringComparison.OrdinalIgnoreCase) ? "connection refused"
            : text.Contains("reset", StringComparison.OrdinalIgnoreCase) ? "connection reset"
            : text.Contains("unreachable", StringComparison.OrdinalIgnoreCase) || text.Contains("no route", StringComparison.OrdinalIgnoreCase) ? "no route to host"
            : ConnCheck.Checks.Engine.Failures.OneLine(text, 200);
    }

    private sealed class AskActor : ReceiveActor
    {
        private readonly ActorSelection target;
        private readonly object message;
        private readonly TimeSpan timeout;
        private bool connected;

        public AskActor(ActorSelection target, object message, TimeSpan timeout, TaskCompletionSource<(object, IActorRef)> reply)
        {
            this.target = target;
            this.message = message;
            this.timeout = timeout;
            var remote = target.Anchor.Path.Address;

            Receive<AssociationErrorEvent>(e =>
            {
                if (e.RemoteAddress.Equals(remote))
                {
                    reply.TrySetException(new PeerUnreachableException(Describe(e.Cause)));
                }
            });
            Receive<DisassociatedEvent>(e =>
            {
                if (e.RemoteAddress.Equals(remote))
                {
                    reply.TrySetException(new PeerUnreachableException("connection closed"));
                }
            });
            // A connection that never comes up (packets dropped on the way, host down) is a firewall
            // question; one that does, with no answer on it, is the far process's (frozen, overloaded).
            Receive<AssociatedEvent>(e => connected |= e.RemoteAddress.Equals(remote));
            Receive<ReceiveTimeout>(_ => reply.TrySetException(new TimeoutException(connected
                ? $"connected, but no answer within {timeout.TotalSeconds:0.#}s"
                : $"no answer within {timeout.TotalSeconds:0.#}s (no connection: packets dropped on the way?)")));
            Receive<RemotingLifecycleEvent>(_ => { });
            ReceiveAny(answer => reply.TrySetResult((answer, Sender)));
        }

        protected override void PreStart()
        {
            Context.System.EventStream.Subscribe(Self, typeof(RemotingLifecycleEvent));
            Context.SetReceiveTimeout(timeout);
            target.Tell(message, Self);
        }

        protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);
    }
}
