using System.Net;
using System.Net.Sockets;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// Socket helpers shared by the check types. A host name with several addresses is tried address
/// by address in the order the resolver returns them (getaddrinfo's order on Linux, which
/// /etc/gai.conf decides), all within the caller's one cancellation token (the check's timeout):
/// the next address is tried as soon as the previous one fails, or after
/// <see cref="AttemptDelay"/> without an answer, so an address that drops packets does not use up
/// the whole timeout. The first address that answers wins.
/// </summary>
public static class Net
{
    /// <summary>How long an unanswered attempt delays the next address (RFC 8305's connection attempt delay).</summary>
    public static readonly TimeSpan AttemptDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Resolves <paramref name="host"/> and connects to the first address that accepts.</summary>
    /// <exception cref="AddressesFailedException">The name has several addresses and none accepted.</exception>
    public static async Task<Socket> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        // An IP literal (most checks) goes straight to the one connection attempt.
        if (IPAddress.TryParse(HostPort.Bare(host), out var literal))
        {
            return await ConnectOneAsync(literal, port, cancellationToken).ConfigureAwait(false);
        }

        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        return await FirstAsync(addresses, (address, ct) => ConnectOneAsync(address, port, ct), static socket => socket.Dispose(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Connects to the address <paramref name="reached"/> holds (the one the check's tcp sub-check
    /// connected to), or resolves <paramref name="host"/> when it holds none.
    /// </summary>
    public static Task<Socket> ConnectTcpAsync(Reached reached, string host, int port, CancellationToken cancellationToken) =>
        reached.Address is { } address ? ConnectOneAsync(address, port, cancellationToken) : ConnectTcpAsync(host, port, cancellationToken);

    /// <summary>The addresses of <paramref name="host"/> in resolver order; an IP literal (bracketed or not) as itself.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(HostPort.Bare(host), out var literal))
        {
            return [literal];
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        return addresses.Length > 0 ? addresses : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> on each address in order (see <see cref="Net"/>) and returns
    /// the first that succeeds; the others are cancelled and what they still produce is passed to
    /// <paramref name="discard"/>. One address: its own exception. Several that all fail:
    /// <see cref="AddressesFailedException"/>, naming each address and how it failed.
    /// </summary>
    public static async Task<T> FirstAsync<T>(IReadOnlyList<IPAddress> addresses, Func<IPAddress, CancellationToken, Task<T>> attempt, Action<T> discard, CancellationToken cancellationToken)
    {
        if (addresses.Count == 1)
        {
            return await attempt(addresses[0], cancellationToken).ConfigureAwait(false);
        }

        using var others = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Dictionary<Task<T>, int>();
        var failures = new Exception?[addresses.Count];
        var next = 0;
        var startNow = true;
        Task? stagger = null;
        try
        {
            while (true)
            {
                if (startNow && next < addresses.Count && !cancellationToken.IsCancellationRequested)
                {
                    var index = next++;
                    pending.Add(AttemptAsync(attempt, addresses[index], others.Token), index);
                    stagger = next < addresses.Count ? Task.Delay(AttemptDelay, others.Token) : null;
                    startNow = false;
                }

                if (pending.Count == 0)
                {
                    if (next < addresses.Count && !cancellationToken.IsCancellationRequested)
                    {
                        startNow = true;
                        continue;
                    }

                    break;
                }

                var finished = await Task.WhenAny(stagger is null ? pending.Keys : pending.Keys.Append(stagger)).ConfigureAwait(false);
                if (finished == stagger)
                {
                    stagger = null;
                    startNow = true;
                    continue;
                }

                var done = (Task<T>)finished;
                var which = pending[done];
                pending.Remove(done);
                if (done.IsCompletedSuccessfully)
                {
                    return done.Result;
                }

                failures[which] = done.Exception?.InnerException ?? new OperationCanceledException(cancellationToken);
                startNow = true;
            }
        }
        finally
        {
            await others.CancelAsync().ConfigureAwait(false);
            foreach (var late in pending.Keys)
            {
                _ = late.ContinueWith(t => { if (t.IsCompletedSuccessfully) { discard(t.Result); } else { _ = t.Exception; } }, TaskScheduler.Default);
            }
        }

        // Addresses never tried: the timeout came first.
        throw new AddressesFailedException(addresses.Select((a, i) => new AddressFailure(a, failures[i] ?? new OperationCanceledException(cancellationToken))).ToArray());
    }

    private static async Task<T> AttemptAsync<T>(Func<IPAddress, CancellationToken, Task<T>> attempt, IPAddress address, CancellationToken cancellationToken) =>
        await attempt(address, cancellationToken).ConfigureAwait(false);

    private static async Task<Socket> ConnectOneAsync(IPAddress address, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A tcp:host:port step: connect and close. When <paramref name="host"/> is a name, the step
    /// says which address answered (<c>connected to [::1]</c>) and keeps it in <paramref name="reached"/>
    /// for the check's later steps.
    /// </summary>
    public static CheckStep TcpStep(string host, int port, Reached? reached = null) => new($"tcp:{HostPort.Format(host, port)}", async ct =>
    {
        using var socket = await ConnectTcpAsync(host, port, ct).ConfigureAwait(false);
        var address = ((IPEndPoint)socket.RemoteEndPoint!).Address;
        if (reached is not null)
        {
            reached.Address = address;
        }

        return StepResult.Ok(HostPort.IsLiteral(host) ? null : $"connected to {HostPort.Address(address)}");
    });
}

/// <summary>The address a check's tcp sub-check connected to, so that its later steps talk to the same one.</summary>
public sealed class Reached
{
    public IPAddress? Address { get; set; }

    /// <summary>The host to give a driver: the address the tcp sub-check reached, else <paramref name="host"/> without brackets.</summary>
    public string HostFor(string host) => Address?.ToString() ?? HostPort.Bare(host);
}

/// <summary>How one address of a name failed.</summary>
public sealed record AddressFailure(IPAddress Address, Exception Error);

/// <summary>Every address of a name failed; the message names each and how, in resolver order.</summary>
public sealed class AddressesFailedException(IReadOnlyList<AddressFailure> failures)
    : Exception(Text(failures), failures[0].Error)
{
    public IReadOnlyList<AddressFailure> Failures { get; } = failures;

    /// <summary>The way every address failed when they all failed the same way, else <see cref="TransportFailure.Other"/>.</summary>
    public TransportFailure Failure =>
        Failures.Select(f => Engine.Failures.Classify(f.Error)).Distinct().ToArray() is [var only] ? only : TransportFailure.Other;

    private static string Text(IReadOnlyList<AddressFailure> failures) =>
        $"all {failures.Count} addresses failed: {string.Join(", ", failures.Select(f => $"{HostPort.Address(f.Address)} {Engine.Failures.Describe(f.Error)}"))}";
}
