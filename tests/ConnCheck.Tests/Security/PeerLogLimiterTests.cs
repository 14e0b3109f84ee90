using Akka.Event;
using ConnCheck.Agent;

namespace ConnCheck.Tests.Security;

/// <summary>One log line per hostile inbound connection, from the lines Akka's transport really writes.</summary>
public sealed class PeerLogLimiterTests
{
    private const string Tcp = "TcpServerHandler (akka://conn-check)";

    [Theory]
    [InlineData(Tcp, "Error caught channel [[::ffff:127.0.0.1]:26006->[::ffff:127.0.0.1]:43882](Id=51c747dd)", "127.0.0.1:43882")]
    [InlineData(Tcp, "TLS handshake failed on channel [[::ffff:10.0.0.5]:4550->[::ffff:10.0.0.9]:43008](Id=158ec966)", "10.0.0.9:43008")]
    [InlineData(Tcp, "Rejected incoming connection from [[::ffff:10.0.0.9]:43008] due to TLS handshake failure.", "10.0.0.9:43008")]
    [InlineData("akka://conn-check/system/transports/akkaprotocolmanager.tcp.0/akkaProtocol-tcp%3A%2F%2Fconn-check%40%5B%3A%3Affff%3A127.0.0.1%5D%3A43796-33", "Error while decoding incoming Akka PDU of length 2040", "127.0.0.1:43796")]
    [InlineData("akka.ssl.tcp://conn-check@127.0.0.1:25002/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fconn-check%40127.0.0.1%3A43401-2", "Association with remote system akka.tcp://conn-check@127.0.0.1:43401 has failed", "127.0.0.1:43401")]
    [InlineData("akka://conn-check/system/endpointManager/reliableEndpointWriter-akka.tcp%3A%2F%2Fconn-check%40127.0.0.1%3A43401-2/endpointWriter", "Disassociated", "127.0.0.1:43401")]
    [InlineData("akka.tcp://conn-check@10.0.0.5:4550/user/agent", "batch 1 from akka.tcp://conn-check@10.0.0.9:41877: 24 checks", null)]
    public void The_peer_of_a_transport_line_is_its_remote_endpoint(string source, string message, string? peer)
    {
        Assert.Equal(peer, PeerLogLimiter.Peer(source, message));
    }

    [Fact]
    public void Only_the_first_line_about_a_peer_is_logged_within_the_window()
    {
        var clock = new Clock();
        var limiter = new PeerLogLimiter(clock);
        Warning Line(int port) => new(Tcp, typeof(PeerLogLimiterTests), $"Error caught channel [[::ffff:127.0.0.1]:4550->[::ffff:127.0.0.1]:{port}](Id=1)");

        Assert.True(limiter.ShouldLog(Line(40001)));
        Assert.False(limiter.ShouldLog(Line(40001)));
        Assert.False(limiter.ShouldLog(new Error(null, "akka://conn-check/system/transports/akkaprotocolmanager.tcp.0/akkaProtocol-tcp%3A%2F%2Fconn-check%40127.0.0.1%3A40001-3", typeof(PeerLogLimiterTests), "Error while decoding")));
        Assert.True(limiter.ShouldLog(Line(40002)));
        Assert.False(limiter.ShouldLog(new Info(Tcp, typeof(PeerLogLimiterTests), "Connection was reset by the remote peer. Channel [[::ffff:127.0.0.1]:4550->[::ffff:127.0.0.1]:40001](Id=1)")));
        Assert.True(limiter.ShouldLog(new Debug(Tcp, typeof(PeerLogLimiterTests), "channel [[::ffff:127.0.0.1]:4550->[::ffff:127.0.0.1]:40001] debug")));
        clock.Now += PeerLogLimiter.Window;
        Assert.True(limiter.ShouldLog(Line(40001)));
    }

    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
