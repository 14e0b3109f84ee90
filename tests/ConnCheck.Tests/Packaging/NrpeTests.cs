using System.Net;
using System.Net.Sockets;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Packaging;

/// <summary>
/// Debian's real nagios-nrpe-server (its own config, pid file and port under a temp dir, never the
/// system one) runs the installed /usr/bin/conn-check as the nagios user against an installed agent,
/// with the command the package ships and the env file the README prescribes; check_nrpe gets the status line and exit code.
/// </summary>
[Collection(DebianPackagesCollection.Name)]
public sealed class NrpeTests : IAsyncLifetime
{
    private const string CheckNrpe = "/usr/lib/nagios/plugins/check_nrpe";
    private readonly TcpListener target = new(IPAddress.Loopback, 0);
    private readonly string dir = Directory.CreateTempSubdirectory("conncheck-nrpe-").FullName;
    private readonly int nrpePort = Loopback.ClosedPort();
    private RunningProcess? agent;
    private RunningProcess? nrpe;

    public async Task InitializeAsync()
    {
        target.Start();
        var agentPort = Loopback.ClosedPort();
        agent = await DebianPackages.StartAgentAsync("web", "nrpe-1", agentPort);

        // As the README says: the list readable by nrpe, its variables in an env file root:nagios 0640.
        await DebianPackages.RunAsync("chmod", ["0755", dir], TimeSpan.FromSeconds(10));
        await File.WriteAllTextAsync(Path.Combine(dir, "checks.yaml"), """
            checks:
              - { name: db, type: tcp, from: web, host: 127.0.0.1, port: "${DB_PORT}" }
              - { name: ssh-closed, type: tcp, from: web, host: 127.0.0.1, port: "${CLOSED_PORT}", reachable: false }
            """);
        await File.WriteAllTextAsync(Path.Combine(dir, "down.yaml"), """
            checks:
              - { name: payments, type: tcp, from: web, host: 127.0.0.1, port: "${CLOSED_PORT}" }
            """);
        var env = Path.Combine(dir, "nrpe.env");
        await File.WriteAllTextAsync(env, $"DB_PORT={((IPEndPoint)target.LocalEndpoint).Port}\nCLOSED_PORT={Loopback.ClosedPort()}\nCONN_CHECK_SEEDS=127.0.0.1:{agentPort}\n");
        await DebianPackages.RunAsync("chown", ["root:nagios", env], TimeSpan.FromSeconds(10));
        await DebianPackages.RunAsync("chmod", ["0640", env], TimeSpan.FromSeconds(10));

        // The command is the one the package ships (commented out), with this test's files.
        var shipped = (await File.ReadAllLinesAsync("/etc/nagios/nrpe.d/conn-check.cfg")).Single(l => l.StartsWith("#command[conn_check]=", StringComparison.Ordinal))[1..];
        string Command(string name, string list) => shipped
            .Replace("command[conn_check]", $"command[{name}]", StringComparison.Ordinal)
            .Replace("/etc/conn-check/nrpe.env", env, StringComparison.Ordinal)
            .Replace("/etc/conn-check/checks.yaml", Path.Combine(dir, list), StringComparison.Ordinal);
        var config = Path.Combine(dir, "nrpe.cfg");
        await File.WriteAllTextAsync(config, $"""
            pid_file={dir}/nrpe.pid
            server_address=127.0.0.1
            server_port={nrpePort}
            nrpe_user=nagios
            nrpe_group=nagios
            allowed_hosts=127.0.0.1
            dont_blame_nrpe=0
            command_timeout=60
            connection_timeout=60
            {Command("conn_check", "checks.yaml")}
            {Command("conn_check_down", "down.yaml")}
            """);
        nrpe = RunningProcess.StartCommand("/usr/sbin/nrpe", ["-c", config, "-f"]);
        await WaitListeningAsync(nrpePort, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Check_nrpe_returns_conn_checks_status_line_and_exit_0()
    {
        var run = await ProcessRunner.RunCommandAsync(CheckNrpe, ["-H", "127.0.0.1", "-p", $"{nrpePort}", "-c", "conn_check", "-t", "40"], null, TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 0, run.ToString() + agent?.Output);
        Assert.StartsWith("CONN-CHECK OK: 2 checks passed", run.StatusLine);
        Assert.Contains("web/nrpe-1 db OK", run.Lines);
    }

    [Fact]
    public async Task Check_nrpe_returns_a_failed_path_as_critical_exit_2()
    {
        var run = await ProcessRunner.RunCommandAsync(CheckNrpe, ["-H", "127.0.0.1", "-p", $"{nrpePort}", "-c", "conn_check_down", "-t", "40"], null, TimeSpan.FromSeconds(60));

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.StartsWith("CONN-CHECK CRITICAL: 1 of 1 checks failed", run.StatusLine);
        Assert.Contains("web/nrpe-1 payments FAILED - connection refused", run.Lines);
    }

    public async Task DisposeAsync()
    {
        if (nrpe is not null)
        {
            await nrpe.DisposeAsync();
        }

        if (agent is not null)
        {
            await agent.DisposeAsync();
        }

        target.Stop();
        target.Dispose();
        Directory.Delete(dir, recursive: true);
    }

    private async Task WaitListeningAsync(int port, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < until && nrpe?.HasExited == false)
            {
                await Task.Delay(100);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException($"nrpe did not listen on {port}: {ex.Message}\n{nrpe?.Output}");
            }
        }
    }
}
