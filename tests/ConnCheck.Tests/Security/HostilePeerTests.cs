using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Protocol.Messages;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>
/// A hostile peer on the agent's remoting port, without TLS and with mutual TLS: random bytes, a real
/// Akka.Remote handshake followed by garbage, truncated frames, a frame header announcing 2 GiB,
/// 2,000 half-open connections and a flood of Hellos, while a real coordinator keeps running checks
/// through the same agent. The agent stays up, under <see cref="RssBoundMiB"/>, logs at most one line
/// per offending connection, and runs no check for any of them.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class HostilePeerTests
{
    /// <summary>The agent's resident memory bound under attack (idle it is about 100 MiB).</summary>
    private const long RssBoundMiB = 400;
    private const int PerKind = 20;
    private const int HalfOpen = 2000;
    private const int Hellos = 2000;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_agent_keeps_serving_a_coordinator_while_hostile_peers_attack_its_port(bool tls)
    {
        var ca = TestCertificates.Shared;
        var agentCert = ca.IssueNode("conn-check-agent");
        var coordinatorCert = ca.IssueNode("conn-check-coordinator");
        using var agentHocon = tls ? TlsHocon.Pem(agentCert, ca.CaCertificatePath) : new TempConfig("", "plain.hocon");
        // Discovery waits 3 s by default: too short for a 2-core machine also running the attacks.
        const string Patient = "conn-check.coordinator { discovery-timeout = 15s, answer-timeout = 20s }";
        using var coordinatorTls = TlsHocon.Pem(coordinatorCert, ca.CaCertificatePath);
        using var coordinatorHocon = new TempConfig((tls ? File.ReadAllText(coordinatorTls.Path) + "\n" : "") + Patient, "coordinator.hocon");
        using var clientCertificate = X509Certificate2.CreateFromPemFile(coordinatorCert.CertificatePath, coordinatorCert.KeyPath);
        var associate = await RecordAssociateFrameAsync();
        await using var agent = await AgentProcess.StartAsync("hostile", "hostile-1", extraArgs: ["--hocon", agentHocon.Path]);
        using var target = new AcceptingListener();
        using var config = new TempConfig($"""
            - type: tcp
              from: hostile
              host: 127.0.0.1
              port: {target.Port}
            """);
        var coordinatorArgs = new[] { config.Path, "--agent", $"hostile={agent.Address}", "--hocon", coordinatorHocon.Path };
        var first = await ProcessRunner.ConnCheckAsync(coordinatorArgs);
        Assert.True(first.ExitCode == 0, first + "\n--- agent\n" + agent.Process.Output);

        using var stop = new CancellationTokenSource();
        var rss = Task.Run(() => PeakRssAsync(agent.Process.Pid, stop.Token));
        var runs = Task.Run(() => RunUntilStoppedAsync(coordinatorArgs, stop.Token));
        var peer = new Peer(agent.Port, tls ? clientCertificate : null);
        var offending = 0;

        var baseline = await SettledNonBatchLinesAsync(agent);
        async Task PhaseAsync(string what, int connections, Func<Task> attack)
        {
            await attack();
            offending += connections;
            Assert.False(agent.Process.HasExited, $"{what} stopped the agent:\n{agent.Process.Output}");
        }

        var random = new Random(15);
        await PhaseAsync("random bytes", PerKind, () => peer.EachAsync(PerKind, async (stream, ct) =>
        {
            var bytes = new byte[4096];
            random.NextBytes(bytes);
            await stream.WriteAsync(bytes, ct);
        }));
        // Plus one line for the address all these handshakes claim (a coordinator that is gone): the agent's
        // association to it fails once, and Akka gates that address.
        await PhaseAsync("handshake then garbage", PerKind + 1, () => peer.EachAsync(PerKind, async (stream, ct) =>
        {
            await stream.WriteAsync(associate, ct);
            var garbage = new byte[2048];
            random.NextBytes(garbage);
            BinaryPrimitives.WriteInt32LittleEndian(garbage, 2040);
            await stream.WriteAsync(garbage, ct);
        }));
        await PhaseAsync("truncated frames", PerKind, () => peer.EachAsync(PerKind, async (stream, ct) =>
        {
            var frame = new byte[14];
            BinaryPrimitives.WriteInt32LittleEndian(frame, 1000);
            await stream.WriteAsync(frame, ct);
        }));
        await PhaseAsync("2 GiB frame header", 5, async () =>
        {
            var closed = await peer.EachAsync(5, async (stream, ct) =>
            {
                var header = new byte[64];
                BinaryPrimitives.WriteInt32LittleEndian(header, int.MaxValue);
                await stream.WriteAsync(header, ct);
            }, waitForClose: true);
            Assert.Equal(5, closed);
        });
        await PhaseAsync("half-open connections", HalfOpen, async () =>
        {
            var sockets = new List<Socket>();
            try
            {
                for (var i = 0; i < HalfOpen; i++)
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    sockets.Add(socket);
                    await socket.ConnectAsync(IPAddress.Loopback, agent.Port);
                    peer.Ports.Add(((IPEndPoint)socket.LocalEndPoint!).Port);
                }

                var during = await ProcessRunner.ConnCheckAsync(coordinatorArgs);
                Assert.True(during.ExitCode == 0, $"a run with {HalfOpen} half-open connections: {during}");
            }
            finally
            {
                sockets.ForEach(s => s.Dispose());
            }
        });
        await PhaseAsync("hello flood", 1, () => FloodHellosAsync(agent.Address, coordinatorHocon.Path));

        var after = await ProcessRunner.ConnCheckAsync(coordinatorArgs);
        await stop.CancelAsync();
        var during = await runs;
        var peak = await rss;
        Assert.True(after.ExitCode == 0, "the run after the attacks: " + after + "\n--- agent\n" + agent.Process.Output);
        Assert.True(during.Count >= 2, $"only {during.Count} coordinator runs during the attacks");
        Assert.All(during, r => Assert.True(r.ExitCode == 0, "a run during the attacks: " + r));
        Assert.True(peak < RssBoundMiB * 1024 * 1024, $"agent RSS peaked at {peak / 1024 / 1024} MiB (bound {RssBoundMiB} MiB)");
        // Every batch the agent ran came from the real coordinator's runs: none for a hostile peer.
        var batches = agent.Process.StdoutLines.Count(l => l.Contains(" batch ", StringComparison.Ordinal) && l.Contains(" checks, ", StringComparison.Ordinal));
        Assert.Equal(during.Count + 3, batches);
        Assert.Equal(during.Count + 3, await target.SettledCountAsync());
        // One line at most about each offending connection (named by its port), and no flood of others:
        // each coordinator run may add two (its disconnect), the handshakes' claimed address one.
        var lines = agent.Process.StdoutLines;
        var worst = peer.Ports.Select(p => (Port: p, Lines: lines.Count(l => l.Contains($":{p}]", StringComparison.Ordinal) || l.Contains($"%3A{p}-", StringComparison.Ordinal)))).MaxBy(p => p.Lines);
        Assert.True(worst.Lines <= 1, $"{worst.Lines} log lines about the connection from port {worst.Port}:\n{agent.Process.Output}");
        var added = await SettledNonBatchLinesAsync(agent) - baseline;
        Assert.True(added <= offending + (2 * (during.Count + 2)), $"{added} log lines for {offending} offending connections and {during.Count + 2} runs:\n{agent.Process.Output}");
    }

    /// <summary>The agent's log lines other than batch lines, once no new line has come for a second (the logger is asynchronous).</summary>
    private static async Task<int> SettledNonBatchLinesAsync(AgentProcess agent)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var count = NonBatchLines(agent);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            var now = NonBatchLines(agent);
            if (now == count)
            {
                return now;
            }

            count = now;
        }

        return count;
    }

    private static int NonBatchLines(AgentProcess agent) =>
        agent.Process.StdoutLines.Count(l => l.StartsWith('[') && !(l.Contains(" batch ", StringComparison.Ordinal) && l.Contains(" checks, ", StringComparison.Ordinal)));

    private static async Task<List<ProcessResult>> RunUntilStoppedAsync(string[] args, CancellationToken stop)
    {
        var results = new List<ProcessResult>();
        while (!stop.IsCancellationRequested)
        {
            results.Add(await ProcessRunner.ConnCheckAsync(args));
        }

        return results;
    }

    private static async Task<long> PeakRssAsync(int pid, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            var line = (await File.ReadAllLinesAsync($"/proc/{pid}/status", CancellationToken.None)).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            if (line is not null)
            {
                peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024);
            }

            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return peak;
    }

    /// <summary>The first frame a real coordinator sends on a new connection: its Akka.Remote ASSOCIATE (length-prefixed, little-endian).</summary>
    private static async Task<byte[]> RecordAssociateFrameAsync()
    {
        using var listener = Loopback.Listening();
        var port = listener.Port();
        await using var remoting = await CoordinatorRemoting.StartAsync("127.0.0.1", null, null, [$"127.0.0.1:{port}"], CancellationToken.None);
        remoting.System.ActorSelection($"{remoting.AddressOf($"127.0.0.1:{port}")}/user/agent").Tell(new Hello(ProtocolVersion.Current));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var client = await listener.AcceptTcpClientAsync(timeout.Token);
        var stream = client.GetStream();
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, timeout.Token);
        var frame = new byte[4 + BinaryPrimitives.ReadInt32LittleEndian(header)];
        header.CopyTo(frame, 0);
        await stream.ReadExactlyAsync(frame.AsMemory(4), timeout.Token);
        return frame;
    }

    private static async Task FloodHellosAsync(string agentAddress, string hocon)
    {
        await using var remoting = await CoordinatorRemoting.StartAsync("127.0.0.1", null, hocon, [agentAddress], CancellationToken.None);
        var selection = remoting.System.ActorSelection($"{remoting.AddressOf(agentAddress)}/user/agent");
        var replies = await Task.WhenAll(Enumerable.Range(0, Hellos).Select(_ => selection.Ask<HelloReply>(new Hello(ProtocolVersion.Current), TimeSpan.FromSeconds(60))));
        Assert.All(replies, r => Assert.Equal("hostile-1", r.Name));
    }

    /// <summary>Raw connections to the agent's port, over TLS with a client certificate when one is given.</summary>
    private sealed class Peer(int port, X509Certificate2? certificate)
    {
        /// <summary>The local ports of every connection made, to find the agent's log lines about each.</summary>
        public List<int> Ports { get; } = [];

        /// <returns>How many of the connections the agent closed within 15 s (only counted when <paramref name="waitForClose"/>).</returns>
        public async Task<int> EachAsync(int count, Func<Stream, CancellationToken, Task> send, bool waitForClose = false)
        {
            var closed = 0;
            for (var i = 0; i < count; i++)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
                Ports.Add(((IPEndPoint)client.Client.LocalEndPoint!).Port);
                Stream stream = client.GetStream();
                if (certificate is not null)
                {
                    var ssl = new SslStream(stream, false, (_, _, _, _) => true);
                    await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                    {
                        TargetHost = "conn-check-agent",
                        ClientCertificates = [certificate],
                        // With TLS 1.2 the client's handshake ends with the server's Finished, so the agent has
                        // accepted the certificate before the test sends anything (1.3 lets the client finish first).
                        EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12,
                    }, timeout.Token);
                    stream = ssl;
                }

                try
                {
                    await send(stream, timeout.Token);
                    if (waitForClose && await ReadsToEndAsync(stream, timeout.Token))
                    {
                        closed++;
                    }
                }
                catch (IOException)
                {
                    closed += waitForClose ? 1 : 0;
                }

                await stream.DisposeAsync();
            }

            return closed;
        }

        private static async Task<bool> ReadsToEndAsync(Stream stream, CancellationToken ct)
        {
            var buffer = new byte[4096];
            try
            {
                while (await stream.ReadAsync(buffer, ct) > 0)
                {
                }

                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
