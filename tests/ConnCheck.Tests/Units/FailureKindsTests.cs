using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Protocol.Hosting;
using ConnCheck.Protocol.Messages;
using ConnCheck.Protocol.Serialization;

namespace ConnCheck.Tests.Units;

/// <summary>How a step, a peer association and a destination's protocol are told apart: by kind, not by text.</summary>
public sealed class FailureKindsTests
{
    private static Task<CheckOutcome> OneStepAsync(Func<CancellationToken, Task<StepResult>> run, CancellationToken cancellationToken = default) =>
        Steps.RunAsync(cancellationToken, new CheckStep("tcp:db:5432", run));

    [Fact]
    public async Task A_refused_connection_is_a_refused_step_in_plain_words()
    {
        var outcome = await OneStepAsync(_ => throw new SocketException((int)SocketError.ConnectionRefused));

        Assert.Equal((TransportFailure.Refused, "connection refused"), (outcome.Failure, outcome.Reason));
    }

    [Fact]
    public async Task A_step_cut_by_the_checks_timeout_is_a_timed_out_step()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var outcome = await OneStepAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); return StepResult.Ok(); }, timeout.Token);

        Assert.Equal((TransportFailure.TimedOut, "timed out"), (outcome.Failure, outcome.Reason));
    }

    [Fact]
    public async Task Far_end_words_that_read_timed_out_are_not_a_timeout()
    {
        var outcome = await OneStepAsync(_ => Task.FromResult(StepResult.Fail("timed out")));

        Assert.Equal(TransportFailure.Other, outcome.Failure);
    }

    [Fact]
    public async Task Several_addresses_that_all_timed_out_keep_each_address_in_the_words()
    {
        var several = new AddressesFailedException([
            new AddressFailure(IPAddress.Parse("10.0.0.1"), new TimeoutException()),
            new AddressFailure(IPAddress.Parse("10.0.0.2"), new TimeoutException())]);

        var outcome = await OneStepAsync(_ => throw several);

        Assert.Equal(TransportFailure.Other, outcome.Failure);
        Assert.Equal("all 2 addresses failed: 10.0.0.1 timed out, 10.0.0.2 timed out", outcome.Reason);
    }

    [Fact]
    public async Task A_passing_check_has_no_failure()
    {
        var outcome = await OneStepAsync(_ => Task.FromResult(StepResult.Ok("connected")));

        Assert.Equal(TransportFailure.None, outcome.Failure);
    }

    [Theory]
    [InlineData(SocketError.ConnectionRefused, false, "connection refused")]
    [InlineData(SocketError.ConnectionReset, false, "connection reset")]
    [InlineData(SocketError.HostUnreachable, true, "no route to host")]
    // Its text ("Software caused connection abort") names none of Akka's phrases: only the code tells.
    [InlineData(SocketError.ConnectionAborted, false, "connection reset")]
    public void A_socket_error_under_an_association_failure_is_named_by_its_code(SocketError error, bool secure, string words)
    {
        var cause = new Exception("Association failed with akka.tcp://conn-check@10.0.0.5:4550", new SocketException((int)error));

        Assert.Equal(words, RemoteRequest.Describe(cause, secure));
    }

    [Theory]
    [InlineData("Association with remote system akka.tcp://conn-check@10.0.0.5:4550 was explicitly disassociated", false, PeerFailure.ClosedAtOnce)]
    [InlineData("Association with remote system akka.tcp://conn-check@10.0.0.5:4550 was explicitly disassociated", true, PeerFailure.TlsFailed)]
    [InlineData("Channel is closed", true, PeerFailure.TlsFailed)]
    [InlineData("Channel is closed", false, PeerFailure.Other)]
    [InlineData("Connection refused 10.0.0.5:4550", false, PeerFailure.Refused)]
    [InlineData("Connection timed out", false, PeerFailure.TimedOut)]
    [InlineData("No route to host", false, PeerFailure.NoRoute)]
    [InlineData("something else entirely", true, PeerFailure.Other)]
    public void Akkas_association_text_is_classified_once(string text, bool secure, PeerFailure expected)
    {
        Assert.Equal(expected, PeerFailures.Classify(new Exception(text), secure));
    }

    [Fact]
    public void A_refused_tls_handshake_is_a_tls_failure_only_when_tls_is_on()
    {
        var cause = new Exception("handshake", new AuthenticationException("The remote certificate is invalid"));

        Assert.Equal(RemoteRequest.TlsRefused, RemoteRequest.Describe(cause, secure: true));
        Assert.Equal(PeerFailure.Other, PeerFailures.Classify(new AuthenticationException("no"), secure: false));
    }

    [Theory]
    [InlineData(DestinationProtocol.Tcp, "tcp")]
    [InlineData(DestinationProtocol.Udp, "udp")]
    [InlineData(DestinationProtocol.Unix, "unix")]
    public void A_destinations_protocol_travels_as_the_lower_case_word(DestinationProtocol protocol, string word)
    {
        var serializer = new ProtocolSerializer(null!);
        var batch = new RunBatch(1, "r1", "web", [new CheckSpec { Id = 1, Name = "c1", Type = "tcp", Destination = new Destination("db", 5432, protocol) }], 10);

        var bytes = serializer.ToBinary(batch);
        var back = (RunBatch)serializer.FromBinary(bytes, serializer.Manifest(batch));

        Assert.Contains($"\"protocol\":\"{word}\"", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        Assert.Equal(protocol, back.Checks[0].Destination.Protocol);
        Assert.Equal(word, protocol.Word());
    }
}
