using System.Diagnostics;

namespace ConnCheck.Tests.Support;

/// <summary>
/// A network namespace private to one test, with two IPv4 and two IPv6 addresses on its loopback
/// (<see cref="V4"/>, <see cref="V6"/>, <see cref="V6b"/>) and its own /etc/hosts (through
/// <c>ip netns exec</c>, which bind-mounts /etc/netns/NAME/hosts over /etc/hosts): the name
/// <see cref="DualName"/> resolves to <see cref="V4"/> and <see cref="V6"/>. Optionally its own
/// /etc/gai.conf decides the resolver order. Every address exists only inside the namespace. Needs
/// root, iproute2, iptables and python3 (tests/setup/install-deps.sh).
/// </summary>
public sealed class DualStackNamespace : IDisposable
{
    public const string V4 = "10.253.0.1";
    public const string V6 = "fd00:cc6::1";
    public const string V6b = "fd00:cc6::2";
    public const string DualName = "dual.test";

    private readonly List<Process> listeners = [];
    private readonly string etc;
    private bool created;

    /// <param name="ipv4First">Writes a gai.conf that puts IPv4 addresses first; otherwise glibc's default puts these IPv6 ones first.</param>
    public DualStackNamespace(bool ipv4First = false)
    {
        Name = "cc6" + Guid.NewGuid().ToString("N")[..10];
        etc = Path.Combine("/etc/netns", Name);
        try
        {
            Run("ip", "netns", "add", Name);
            created = true;
            Run("ip", "-n", Name, "link", "set", "lo", "up");
            Run("ip", "-n", Name, "addr", "add", $"{V4}/32", "dev", "lo");
            Run("ip", "-n", Name, "-6", "addr", "add", $"{V6}/128", "dev", "lo", "nodad");
            Run("ip", "-n", Name, "-6", "addr", "add", $"{V6b}/128", "dev", "lo", "nodad");
            Directory.CreateDirectory(etc);
            File.WriteAllText(Path.Combine(etc, "hosts"), $"127.0.0.1 localhost\n::1 localhost\n{V4} {DualName}\n{V6} {DualName}\n");
            if (ipv4First)
            {
                File.WriteAllText(Path.Combine(etc, "gai.conf"), "precedence ::ffff:0:0/96 100\n");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Name { get; }

    /// <summary>
    /// Starts tests/zones/listeners.py inside the namespace: TCP listeners that accept and close, and
    /// UDP echoes ("echo:" + datagram), on <paramref name="address"/>.
    /// </summary>
    public async Task ListenAsync(string address, int[] tcp, int[]? udp = null)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "netns", "exec", Name, "python3", Path.Combine(Repo.Root, "tests", "zones", "listeners.py"), address }
            .Concat(tcp.Select(p => $"{p}"))
            .Concat(udp is null ? [] : ["--udp", .. udp.Select(p => $"{p}")]))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start python3");
        listeners.Add(process);
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        if (ready != "ready")
        {
            throw new InvalidOperationException($"listener on {address} did not start: {await process.StandardError.ReadToEndAsync()}");
        }
    }

    /// <summary>Makes the namespace's firewall DROP TCP to <paramref name="port"/> on one family: connects there hang.</summary>
    public void DropTcp(string address, int port) =>
        Run("ip", "netns", "exec", Name, address.Contains(':') ? "ip6tables" : "iptables", "-A", "INPUT", "-d", address, "-p", "tcp", "--dport", $"{port}", "-j", "DROP");

    public Task<ProcessResult> ConnCheckAsync(params string[] args) =>
        ProcessRunner.RunAsync(Repo.CoordinatorDll, args, null, TimeSpan.FromSeconds(120), netns: Name);

    public void Dispose()
    {
        foreach (var listener in listeners)
        {
            try
            {
                listener.Kill(entireProcessTree: true);
                listener.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }

            listener.Dispose();
        }

        listeners.Clear();
        if (created)
        {
            Run("ip", ["netns", "del", Name], check: false);
            created = false;
        }

        if (Directory.Exists(etc))
        {
            Directory.Delete(etc, recursive: true);
        }
    }

    private static void Run(string command, params string[] args) => Run(command, args, check: true);

    private static void Run(string command, string[] args, bool check)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit(30_000);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"cannot set up the dual-stack namespace (needs root, iproute2, iptables): '{command} {string.Join(' ', args)}' exited {process.ExitCode}: {error.Result.Trim()}");
        }
    }
}
