using System.Net;
using System.Net.Sockets;

namespace ConnCheck.Checks.Engine;

/// <summary>Socket helpers shared by the check types.</summary>
public static class Net
{
    /// <summary>Resolves <paramref name="host"/> and connects to the first address that accepts.</summary>
    public static async Task<Socket> ConnectTcpAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return [literal];
        }

        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        // Prefer IPv4 like most clients do on dual-stack hosts with broken v6 routes.
        return addresses.OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToArray();
    }

    /// <summary>A tcp:host:port step: connect and close.</summary>
    public static CheckStep TcpStep(string host, int port) => new($"tcp:{host}:{port}", async ct =>
    {
        using var socket = await ConnectTcpAsync(host, port, ct).ConfigureAwait(false);
        return StepResult.Ok();
    });

    public static string HostPort(string host, int port) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
}
