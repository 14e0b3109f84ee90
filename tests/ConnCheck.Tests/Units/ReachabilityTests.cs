using System.Net.Sockets;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Units;

/// <summary>reachable: false against real loopback sockets, in process: what passes, what fails, and the words.</summary>
public sealed class ReachabilityTests
{
    private static async Task<SubCheckResult> ProbeAsync(Destination destination, byte[]? udpProbe = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var outcome = await Reachability.ProbeAsync(destination, udpProbe ?? [], timeout.Token);
        return Assert.Single(outcome.Steps);
    }

    [Fact]
    public async Task A_refused_tcp_port_passes_and_says_how_it_is_closed()
    {
        var port = Loopback.ClosedPort();

        var step = await ProbeAsync(new Destination("127.0.0.1", port));

        Assert.Equal(new SubCheckResult($"tcp:127.0.0.1:{port}", true, 0, "unreachable as required: connection refused"), step);
    }

    [Fact]
    public async Task An_open_tcp_port_fails_because_the_path_must_be_closed()
    {
        using var listener = new AcceptingListener();

        var literal = await ProbeAsync(new Destination("127.0.0.1", listener.Port));
        var named = await ProbeAsync(new Destination("localhost", listener.Port));

        Assert.Equal(new SubCheckResult($"tcp:127.0.0.1:{listener.Port}", false, 0, "reachable: connection succeeded, but this path must be closed"), literal);
        Assert.False(named.Passed);
        Assert.Matches(@"^reachable: connection succeeded to (127\.0\.0\.1|\[::1\]), but this path must be closed$", named.Message);
        Assert.Equal(2, await listener.AcceptedAsync(2));
    }

    [Fact]
    public async Task A_udp_port_that_replies_fails_and_one_that_refuses_passes()
    {
        using var responder = new UdpResponder(datagram => datagram);
        var closed = UdpResponder.ClosedPort();
        var send = "ping?"u8.ToArray();

        var open = await ProbeAsync(new Destination("127.0.0.1", responder.Port, DestinationProtocol.Udp), send);
        var refused = await ProbeAsync(new Destination("127.0.0.1", closed, DestinationProtocol.Udp), send);

        Assert.Equal(new SubCheckResult($"udp:127.0.0.1:{responder.Port}", false, 0, "reachable: got a reply, but this path must be closed"), open);
        Assert.Equal("ping?", Encoding.UTF8.GetString(Assert.Single(responder.Received)));
        Assert.Equal(new SubCheckResult($"udp:127.0.0.1:{closed}", true, 0, "unreachable as required: connection refused"), refused);
    }

    [Fact]
    public async Task A_udp_reply_to_a_name_names_the_address_it_came_from()
    {
        using var responder = new UdpResponder(_ => "pong"u8.ToArray());

        var step = await ProbeAsync(new Destination("localhost", responder.Port, DestinationProtocol.Udp));

        Assert.False(step.Passed);
        Assert.Equal("reachable: got a reply from 127.0.0.1, but this path must be closed", step.Message);
        Assert.Empty(Assert.Single(responder.Received));
    }

    [Fact]
    public async Task A_udp_port_that_takes_datagrams_and_never_answers_passes_as_timed_out()
    {
        using var silent = new UdpResponder(_ => null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        var outcome = await Reachability.ProbeAsync(new Destination("127.0.0.1", silent.Port, DestinationProtocol.Udp), [], timeout.Token);

        Assert.Equal(new SubCheckResult($"udp:127.0.0.1:{silent.Port}", true, 0, "unreachable as required: timed out"), Assert.Single(outcome.Steps));
    }

    [Fact]
    public async Task A_unix_socket_path_with_nothing_behind_it_is_closed_and_a_listening_one_is_open()
    {
        var directory = Directory.CreateTempSubdirectory("conncheck-unix-");
        try
        {
            var missing = Path.Combine(directory.FullName, "missing.sock");
            var listening = Path.Combine(directory.FullName, "listening.sock");
            using var server = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            server.Bind(new UnixDomainSocketEndPoint(listening));
            server.Listen();

            var closed = await ProbeAsync(new Destination(missing, 0, DestinationProtocol.Unix));
            var open = await ProbeAsync(new Destination(listening, 0, DestinationProtocol.Unix));

            Assert.Equal(new SubCheckResult($"unix:{missing}", true, 0, "unreachable as required: connection refused"), closed);
            Assert.Equal(new SubCheckResult($"unix:{listening}", false, 0, "reachable: connection succeeded, but this path must be closed"), open);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_is_unreachable_with_the_dns_words()
    {
        var step = await ProbeAsync(new Destination("no-such-host.invalid", 80));

        Assert.True(step.Passed);
        Assert.Equal("unreachable as required: dns failed: name not resolved", step.Message);
    }
}
