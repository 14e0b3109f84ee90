using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using ConnCheck.Agent;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>
/// The transport heartbeat goes to every peer, so in a zone of N agents it costs N-1 messages each
/// way per interval: over plain TCP it is Akka's 4s; with TLS on it is conn-check.tls.
/// transport-heartbeat-interval (300ms), which releases bytes DotNetty's TLS handler holds.
/// </summary>
public sealed class TransportHeartbeatTests
{
    private const string Interval = "akka.remote.transport-failure-detector.heartbeat-interval";

    private static TimeSpan HeartbeatOf(ActorSystemSetup setup) =>
        setup.Get<BootstrapSetup>().Value.Config.Value.GetTimeSpan(Interval);

    [Theory]
    [InlineData("agent.hocon")]
    [InlineData("coordinator.hocon")]
    public void Over_plain_tcp_the_shipped_files_heartbeat_every_4s(string shipped)
    {
        var setup = TransportSecurity.Setup(HoconFiles.Shipped(shipped));

        Assert.Equal(TimeSpan.FromSeconds(4), HeartbeatOf(setup));
    }

    [Theory]
    [InlineData("agent.hocon")]
    [InlineData("coordinator.hocon")]
    public void With_tls_on_the_shipped_files_heartbeat_every_300ms(string shipped)
    {
        using var tls = TlsHocon.Pem(TestCertificates.Shared.IssueNode("conn-check-agent"), TestCertificates.Shared.CaCertificatePath);

        var setup = TransportSecurity.Setup(HoconFiles.Operator(tls.Path).WithFallback(HoconFiles.Shipped(shipped)));

        Assert.Equal(TimeSpan.FromMilliseconds(300), HeartbeatOf(setup));
        Assert.True(setup.Get<BootstrapSetup>().Value.Config.Value.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
    }

    [Fact]
    public void With_tls_on_the_operator_sets_the_interval_under_conn_check_tls()
    {
        using var tls = TlsHocon.Pem(TestCertificates.Shared.IssueNode("conn-check-agent"), TestCertificates.Shared.CaCertificatePath, extra: "transport-heartbeat-interval = 150ms");

        var setup = TransportSecurity.Setup(HoconFiles.Operator(tls.Path).WithFallback(HoconFiles.Shipped("agent.hocon")));

        Assert.Equal(TimeSpan.FromMilliseconds(150), HeartbeatOf(setup));
    }

    [Fact]
    public void An_agent_started_without_tls_gets_the_plain_interval_and_an_operator_file_still_overrides_it()
    {
        using var hocon = new TempConfig($"{Interval} = 1s\n", "agent.hocon");
        var options = new AgentOptions { Zone = "z1", Name = "a1", BindHost = "127.0.0.1", BindPort = 4550 };

        Assert.Equal(TimeSpan.FromSeconds(4), AgentConfig.Build(options).GetTimeSpan(Interval));
        Assert.Equal(TimeSpan.FromSeconds(1), AgentConfig.Build(options with { HoconFile = hocon.Path }).GetTimeSpan(Interval));
    }
}
