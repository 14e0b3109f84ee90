using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Remote;

/// <summary>
/// The coordinator's remote-only ActorSystem: never a cluster member, on a free port, bound to the
/// local address of the route toward the agents so that agents in other zones can answer.
/// </summary>
public sealed class CoordinatorRemoting : IAsyncDisposable
{
    private readonly Func<CancellationToken, Task<CoordinatorRemoting>> startAgain;

    private CoordinatorRemoting(ActorSystem system, Akka.Configuration.Config config, Func<CancellationToken, Task<CoordinatorRemoting>> startAgain)
    {
        System = system;
        this.startAgain = startAgain;
        Stopping = ShutdownWatch.Started(system);
        DiscoveryTimeout = config.GetTimeSpan("conn-check.coordinator.discovery-timeout", TimeSpan.FromSeconds(3));
        AnswerTimeout = config.GetTimeSpan("conn-check.coordinator.answer-timeout", TimeSpan.FromSeconds(10));
        ChunkSize = config.GetInt("conn-check.coordinator.batch-chunk-size", 500);
        SilenceGrace = config.GetTimeSpan("conn-check.coordinator.silence-grace", TimeSpan.FromSeconds(5));
        Secure = TransportSecurity.IsEnabled(config);
    }

    /// <summary>Completes as soon as the ActorSystem starts shutting down (or has terminated): see <see cref="ShutdownWatch"/>.</summary>
    public Task Stopping { get; }

    /// <summary>TLS is on: agents are addressed as akka.ssl.tcp://.</summary>
    public bool Secure { get; }

    /// <summary>The Akka address of HOST:PORT (or a full address) over this coordinator's transport.</summary>
    public string? AddressOf(string text) => AkkaAddress.Normalize(text, Secure);

    public ActorSystem System { get; }

    public TimeSpan DiscoveryTimeout { get; }

    /// <summary>How long a peer whose connection is up may take to answer a discovery request or a greeting.</summary>
    public TimeSpan AnswerTimeout { get; }

    public int ChunkSize { get; }

    public TimeSpan SilenceGrace { get; }

    /// <param name="peers">HOST:PORT of the seeds and static agents, in order, to pick the bind address from.</param>
    public static async Task<CoordinatorRemoting> StartAsync(string? bind, string? publicHostname, string? hoconFile, IReadOnlyList<string> peers, CancellationToken cancellationToken)
    {
        string host;
        var port = 0;
        if (bind is not null)
        {
            if (!AkkaAddress.TrySplit(bind, out host, out port, defaultPort: 0))
            {
                throw new ArgumentException($"bad --bind '{bind}': expected HOST[:PORT]");
            }
        }
        else
        {
            host = await BindAddressAsync(peers, cancellationToken).ConfigureAwait(false);
        }

        var advertised = (publicHostname is null ? null : Checks.Model.HostPort.Bare(publicHostname)) ?? (host is "0.0.0.0" or "::" ? throw new ArgumentException("--bind on a wildcard address needs --public-hostname") : host);
        var overrides = ConfigurationFactory.ParseString($"""
            akka.remote.dot-netty.tcp.hostname = {HoconFiles.Quote(host)}
            akka.remote.dot-netty.tcp.port = {port}
            akka.remote.dot-netty.tcp.public-hostname = {HoconFiles.Quote(advertised)}
            """);
        var config = HoconFiles.Operator(hoconFile).WithFallback(overrides).WithFallback(HoconFiles.Shipped("coordinator.hocon"));
        return new CoordinatorRemoting(
            TransportSecurity.CreateSystem(AkkaAddress.SystemName, config),
            config,
            token => StartAsync(AkkaAddress.Join(host, port), publicHostname, hoconFile, peers, token));
    }

    /// <summary>
    /// HOST:PORT of the peer whose TLS handshake stopped this ActorSystem, or null. Akka.Remote stops
    /// the whole system when a TLS handshake it started fails (reason "TLS handshake failed on outbound
    /// connection to [ENDPOINT]"), so one agent with an untrusted certificate ends every request in flight.
    /// </summary>
    public string? TlsCulprit =>
        ShutdownWatch.TlsFailure(System) is { } reason && reason.IndexOf('[') is var open and >= 0 ? Bare(reason[open..]) : null;

    /// <summary>"[[::ffff:10.0.0.4]:4550]", "10.0.0.4:4550" and an Akka address alike become "10.0.0.4:4550".</summary>
    public static string Bare(string endpoint) =>
        AkkaAddress.HostPort(endpoint).Replace("[", "", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal).Replace("::ffff:", "", StringComparison.Ordinal);

    /// <summary>A fresh ActorSystem with the same settings (this one must be disposed by the caller).</summary>
    public Task<CoordinatorRemoting> StartAgainAsync(CancellationToken cancellationToken) => startAgain(cancellationToken);

    /// <summary>
    /// The local address of the route toward the first peer that has one. A first seed in a zone this
    /// host has no route to must not make the coordinator listen on loopback, where no agent can answer.
    /// </summary>
    public static async Task<string> BindAddressAsync(IReadOnlyList<string> peers, CancellationToken cancellationToken)
    {
        foreach (var peer in peers)
        {
            if (await RouteLocalAddressAsync(peer, cancellationToken).ConfigureAwait(false) is { } local)
            {
                return local;
            }
        }

        return "127.0.0.1";
    }

    /// <summary>The local address the kernel would use to reach <paramref name="peer"/> (no packet is sent); null without a route.</summary>
    public static async Task<string?> RouteLocalAddressAsync(string peer, CancellationToken cancellationToken)
    {
        if (!AkkaAddress.TrySplit(AkkaAddress.HostPort(peer), out var host, out var port))
        {
            return null;
        }

        IPAddress target;
        try
        {
            target = IPAddress.TryParse(host, out var literal)
                ? literal
                // IPv4 first, as Akka's DotNetty transport resolves a seed's name (unless dns-use-ipv6 = on).
                : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).OrderBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).First();
        }
        catch (SocketException)
        {
            return null;
        }

        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(target, port);
            return ((IPEndPoint)socket.LocalEndPoint!).Address.ToString();
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await System.Terminate().WaitAsync(TimeSpan.FromMilliseconds(500)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Leaving a few remoting threads behind at exit beats keeping Nagios waiting.
        }
    }
}
