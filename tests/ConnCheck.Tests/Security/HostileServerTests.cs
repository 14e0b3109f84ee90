using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Security;

/// <summary>
/// Servers on loopback that misbehave on purpose, checked through a real agent: every check ends
/// within its timeout with a failure, the agent's and the coordinator's memory stay bounded, and the
/// agent keeps serving afterwards.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class HostileServerTests
{
    private const long MaxRssBytes = 400L * 1024 * 1024;
    private const long GarbageBytes = 100L * 1024 * 1024;

    [Fact]
    public async Task Hostile_servers_fail_their_checks_within_the_timeout_and_memory_stays_bounded()
    {
        using var neverReads = new ScriptedTcpServer((_, ct) => Task.Delay(Timeout.Infinite, ct));
        using var garbage = new ScriptedTcpServer(SendGarbageAsync);
        using var resetter = new ScriptedTcpServer(async (stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[64], ct);
            stream.Socket.LingerState = new LingerOption(true, 0);
            stream.Socket.Close();
        });
        using var badCertificate = new ScriptedTcpServer(async (stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[4096], ct);
            // A TLS handshake record announcing a Certificate message whose contents are junk.
            byte[] record = [0x16, 0x03, 0x03, 0x00, 0x20, 0x0b, 0x00, 0x00, 0x1c, 0x00, 0x00, 0x19, 0x00, 0x00, 0x16, .. Enumerable.Repeat((byte)0x41, 22)];
            await stream.WriteAsync(record, ct);
            await ScriptedTcpServer.DrainAsync(stream, ct);
        });
        using var trickle = new ScriptedTcpServer(async (stream, ct) =>
        {
            _ = await stream.ReadAsync(new byte[4096], ct);
            foreach (var b in "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray())
            {
                await stream.WriteAsync(new[] { b }, ct);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        });
        using var loop = new ScriptedTcpServer(async (stream, ct) =>
        {
            var port = ((IPEndPoint)stream.Socket.LocalEndPoint!).Port;
            _ = await stream.ReadAsync(new byte[4096], ct);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{port}/again\r\nContent-Length: 0\r\n\r\n"), ct);
        });
        // 1,000 wrong replies to every datagram.
        using var flood = new UdpResponder(_ => Encoding.ASCII.GetBytes(new string('x', 1400)), repeat: 1000);

        await using var agent = await AgentProcess.StartAsync("hostile", "hostile-1");
        using var config = new TempConfig($$"""
            - { from: hostile, name: never-reads, type: http, url: "http://127.0.0.1:{{neverReads.Port}}/", timeout: 3 }
            - { from: hostile, name: garbage-http, type: http, url: "http://127.0.0.1:{{garbage.Port}}/", timeout: 5 }
            - { from: hostile, name: garbage-redis, type: redis, host: 127.0.0.1, port: {{garbage.Port}}, timeout: 5 }
            - { from: hostile, name: garbage-tls, type: tls, host: 127.0.0.1, port: {{garbage.Port}}, timeout: 5 }
            - { from: hostile, name: reset, type: tls, host: 127.0.0.1, port: {{resetter.Port}}, timeout: 3 }
            - { from: hostile, name: bad-certificate, type: tls, host: 127.0.0.1, port: {{badCertificate.Port}}, timeout: 3 }
            - { from: hostile, name: trickle, type: http, url: "http://127.0.0.1:{{trickle.Port}}/", timeout: 4 }
            - { from: hostile, name: loop, type: http, url: "http://127.0.0.1:{{loop.Port}}/", allow_redirects: true, timeout: 5 }
            - { from: hostile, name: udp-flood, type: udp, host: 127.0.0.1, port: {{flood.Port}}, send: ping, expect: pong, timeout: 3 }
            """);

        var coordinator = RunningProcess.Start(Repo.CoordinatorDll, [config.Path, "--agent", $"hostile={agent.Address}"]);
        long coordinatorPeak = 0;
        long agentPeak = 0;
        while (!coordinator.HasExited && coordinator.Elapsed < TimeSpan.FromSeconds(60))
        {
            coordinatorPeak = Math.Max(coordinatorPeak, PeakRss(coordinator.Pid));
            agentPeak = Math.Max(agentPeak, PeakRss(agent.Process.Pid));
            await Task.Delay(200);
        }

        var exit = await coordinator.WaitForExitAsync(TimeSpan.FromSeconds(5));
        agentPeak = Math.Max(agentPeak, PeakRss(agent.Process.Pid));
        var lines = coordinator.StdoutLines;
        var output = coordinator.Output;

        Assert.True(exit == 2, output);
        Assert.True(coordinator.Elapsed < TimeSpan.FromSeconds(15), $"the run took {coordinator.Elapsed}\n{output}");
        foreach (var name in new[] { "never-reads", "garbage-http", "garbage-redis", "garbage-tls", "reset", "bad-certificate", "trickle", "loop", "udp-flood" })
        {
            Assert.True(lines.Any(l => l.StartsWith($"hostile/hostile-1 {name} FAILED - ", StringComparison.Ordinal)), $"{name} did not fail cleanly:\n{output}");
        }

        Assert.Contains(lines, l => l.StartsWith("hostile/hostile-1 loop FAILED - ", StringComparison.Ordinal) && l.Contains("redirect", StringComparison.Ordinal));
        Assert.True(agentPeak < MaxRssBytes, $"agent peak RSS {agentPeak / 1024 / 1024} MB");
        Assert.True(coordinatorPeak < MaxRssBytes, $"coordinator peak RSS {coordinatorPeak / 1024 / 1024} MB");
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);

        // The agent still serves.
        using var open = new AcceptingListener();
        using var good = new TempConfig($"- {{ from: hostile, type: tcp, host: 127.0.0.1, port: {open.Port} }}");
        var after = await ProcessRunner.ConnCheckAsync(good.Path, "--agent", $"hostile={agent.Address}");
        Assert.True(after.ExitCode == 0, after.ToString());
    }

    // 100 MB of garbage, or less if the client goes away first.
    private static async Task SendGarbageAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var chunk = new byte[64 * 1024];
        new Random(7).NextBytes(chunk);
        for (long sent = 0; sent < GarbageBytes; sent += chunk.Length)
        {
            await stream.WriteAsync(chunk, cancellationToken);
        }
    }

    private static long PeakRss(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
