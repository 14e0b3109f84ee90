using System.Diagnostics;

namespace ConnCheck.Tests.Support;

/// <summary>
/// Two network namespaces joined by a veth pair, private to this test run: the client namespace
/// (10.254.0.1/30) where conn-check runs, and the target namespace (10.254.0.2/30) whose firewall
/// DROPs TCP ports <see cref="DroppedLow"/>-<see cref="DroppedHigh"/> (connects there hang until they
/// time out) and refuses every other port (nothing listens). Both addresses exist only inside these
/// namespaces, so no packet leaves the machine. Needs root, iproute2 and iptables
/// (tests/setup/install-deps.sh); when they are missing the fixture fails with the reason.
/// </summary>
public sealed class BlackHoleNetwork : IDisposable
{
    public const string TargetAddress = "10.254.0.2";
    public const int DroppedLow = 9000;
    public const int DroppedHigh = 9999;
    public const int RefusedPort = 80;

    private readonly List<string> created = [];

    public BlackHoleNetwork()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        ClientNamespace = $"cc-client-{id}";
        TargetNamespace = $"cc-target-{id}";
        var clientLink = $"vc{id}";
        var targetLink = $"vt{id}";
        try
        {
            Ip("netns", "add", ClientNamespace);
            created.Add(ClientNamespace);
            Ip("netns", "add", TargetNamespace);
            created.Add(TargetNamespace);
            Ip("link", "add", clientLink, "netns", ClientNamespace, "type", "veth", "peer", "name", targetLink, "netns", TargetNamespace);
            Ip("-n", ClientNamespace, "addr", "add", "10.254.0.1/30", "dev", clientLink);
            Ip("-n", TargetNamespace, "addr", "add", $"{TargetAddress}/30", "dev", targetLink);
            foreach (var (ns, link) in new[] { (ClientNamespace, clientLink), (TargetNamespace, targetLink) })
            {
                Ip("-n", ns, "link", "set", link, "up");
                Ip("-n", ns, "link", "set", "lo", "up");
            }

            Run("ip", "netns", "exec", TargetNamespace, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", $"{DroppedLow}:{DroppedHigh}", "-j", "DROP");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string ClientNamespace { get; }

    public string TargetNamespace { get; }

    /// <summary>Runs conn-check inside the client namespace.</summary>
    public Task<ProcessResult> ConnCheckAsync(params string[] args) =>
        ProcessRunner.RunAsync(Repo.CoordinatorDll, args, null, TimeSpan.FromSeconds(120), netns: ClientNamespace);

    public void Dispose()
    {
        // Deleting a namespace removes its end of the veth pair, and with it the other end.
        foreach (var ns in Enumerable.Reverse(created))
        {
            TryRun("ip", "netns", "del", ns);
        }

        created.Clear();
    }

    private static void Ip(params string[] args) => Run("ip", args);

    private static void Run(string command, params string[] args)
    {
        var (exit, error) = TryRun(command, args);
        if (exit != 0)
        {
            throw new InvalidOperationException(
                $"cannot set up the black-hole network namespaces (needs root, iproute2 and iptables; see tests/setup/install-deps.sh): " +
                $"'{command} {string.Join(' ', args)}' exited {exit}: {error.Trim()}");
        }
    }

    private static (int Exit, string Error) TryRun(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
            var error = process.StandardError.ReadToEndAsync();
            process.StandardOutput.ReadToEnd();
            if (!process.WaitForExit(30_000))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "timed out after 30 s");
            }

            return (process.ExitCode, error.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, $"{command}: {ex.Message}");
        }
    }
}
