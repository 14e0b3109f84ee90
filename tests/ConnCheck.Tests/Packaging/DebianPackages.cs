using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Packaging;

[CollectionDefinition(Name)]
public sealed class DebianPackagesCollection : ICollectionFixture<DebianPackages>
{
    public const string Name = "debian-packages";
}

/// <summary>
/// Builds both packages once (packaging/build-debs.sh: revision 1, then revision 2 from the same
/// publish, for the upgrade) and installs revision 1 into this machine with dpkg -i; purges both at
/// the end so the machine is left as found.
/// </summary>
public sealed class DebianPackages : IAsyncLifetime
{
    public static readonly string[] Names = ["conn-check", "conn-check-agent"];

    public string Upstream { get; private set; } = "";

    public string OutDir { get; } = Path.Combine(Repo.Root, "packaging", "out");

    public TimeSpan BuildTime { get; private set; }

    public string Deb(string package, int revision) => Path.Combine(OutDir, $"{package}_{Upstream}-{revision}_amd64.deb");

    public async Task InitializeAsync()
    {
        var props = await File.ReadAllTextAsync(Path.Combine(Repo.Root, "Directory.Build.props"));
        Upstream = System.Text.RegularExpressions.Regex.Match(props, "<Version>(.*)</Version>").Groups[1].Value;
        var started = DateTime.UtcNow;
        await RunAsync("bash", [Path.Combine(Repo.Root, "packaging", "build-debs.sh"), "--fast"], TimeSpan.FromMinutes(20));
        await RunAsync("bash", [Path.Combine(Repo.Root, "packaging", "build-debs.sh"), "--revision", "2", "--reuse-publish", "--fast"], TimeSpan.FromMinutes(3));
        BuildTime = DateTime.UtcNow - started;
        await PurgeAsync();
        await InstallAsync(1);
    }

    public Task InstallAsync(int revision) => DpkgAsync(["-i", .. Names.Select(n => Deb(n, revision))]);

    public Task PurgeAsync() => DpkgAsync(["-P", .. Names]);

    public async Task DisposeAsync() => await PurgeAsync();

    /// <summary>dpkg, waiting (with a deadline) while another install on this shared machine holds its lock.</summary>
    public static async Task<ProcessResult> DpkgAsync(string[] args)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var run = await ProcessRunner.RunCommandAsync("dpkg", args, new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" }, TimeSpan.FromMinutes(3));
            if (run.ExitCode == 0 || !run.Stderr.Contains("lock", StringComparison.Ordinal) || DateTime.UtcNow > until)
            {
                Assert.True(run.ExitCode == 0, $"dpkg {string.Join(' ', args)}: {run}");
                return run;
            }

            await Task.Delay(1000);
        }
    }

    public static async Task<ProcessResult> RunAsync(string command, string[] args, TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var run = await ProcessRunner.RunCommandAsync(command, args, environment, limit);
        Assert.True(run.ExitCode == 0, $"{command} {string.Join(' ', args)}: {run}");
        return run;
    }

    /// <summary>
    /// Runs a shell script the way a host without .NET would: the SDK's directory is hidden by a
    /// tmpfs in a private mount namespace, and PATH holds only links to the two installed commands.
    /// </summary>
    public static Task<ProcessResult> WithoutSdkAsync(string script, TimeSpan limit) =>
        ProcessRunner.RunCommandAsync("unshare", WithoutSdk(script), null, limit);

    /// <summary>unshare's arguments for <see cref="WithoutSdkAsync"/>; the script may end in exec (the pid stays the program's).</summary>
    public static string[] WithoutSdk(string script)
    {
        var sdk = Path.GetDirectoryName(new FileInfo("/usr/bin/dotnet").ResolveLinkTarget(true)?.FullName ?? "/usr/share/dotnet/dotnet")!;
        var wrapped = $"""
            set -e
            mount -t tmpfs none {sdk}
            bin=$(mktemp -d)
            ln -s /usr/bin/conn-check /usr/bin/conn-check-agent "$bin/"
            export PATH="$bin"
            unset DOTNET_ROOT
            {script}
            """;
        return ["--mount", "--propagation", "private", "/bin/sh", "-c", wrapped];
    }

    /// <summary>The installed agent, started from PATH without the SDK, listening on a loopback port.</summary>
    public static async Task<RunningProcess> StartAgentAsync(string zone, string name, int port)
    {
        var agent = RunningProcess.StartCommand("unshare", WithoutSdk($"exec conn-check-agent --zone {zone} --name {name} --bind 127.0.0.1:{port}"));
        await agent.WaitForLineAsync(l => l.Contains($"agent {name} (zone {zone}) listening", StringComparison.Ordinal), TimeSpan.FromSeconds(30), $"installed agent {name} listening");
        return agent;
    }
}
