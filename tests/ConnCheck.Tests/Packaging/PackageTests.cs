using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Packaging;

/// <summary>The Debian packages as an operator meets them: installed with dpkg, run without .NET, upgraded, purged.</summary>
[Collection(DebianPackagesCollection.Name)]
public sealed class PackageTests(DebianPackages packages)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Both_commands_run_from_PATH_without_the_SDK_and_say_the_package_version()
    {
        var run = await DebianPackages.WithoutSdkAsync(
            "if command -v dotnet || /usr/bin/dotnet --version; then echo 'dotnet is usable'; exit 9; fi; conn-check --version; conn-check-agent --version", Limit);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([$"conn-check {packages.Upstream} (protocol 3)", $"conn-check-agent {packages.Upstream} (protocol 3)"], run.AllLines);
        foreach (var package in DebianPackages.Names)
        {
            var version = await DebianPackages.RunAsync("dpkg-query", ["-W", "-f=${Version}", package], Limit);
            Assert.StartsWith($"{packages.Upstream}-", version.Stdout);
        }
    }

    [Fact]
    public async Task A_check_runs_through_the_installed_agent_without_the_SDK()
    {
        using var listener = Loopback.Listening();
        var open = listener.Port();
        var port = Loopback.ClosedPort();
        await using var agent = await DebianPackages.StartAgentAsync("web", "pkg-1", port);
        using var config = new TempConfig($$"""
            checks:
              - { name: db, type: tcp, from: web, host: 127.0.0.1, port: {{open}} }
              - { name: ssh-closed, type: tcp, from: web, host: 127.0.0.1, port: {{Loopback.ClosedPort()}}, reachable: false }
            """);

        var run = await DebianPackages.WithoutSdkAsync($"conn-check {config.Path} --seed 127.0.0.1:{port}", Limit);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("CONN-CHECK OK: 2 checks passed", run.StatusLine);
        Assert.Contains("web/pkg-1 db OK", run.Lines);
    }

    [Fact]
    public async Task Systemd_analyze_verify_accepts_the_installed_unit_and_rejects_a_broken_copy()
    {
        const string unit = "/usr/lib/systemd/system/conn-check-agent.service";
        var verify = await ProcessRunner.RunCommandAsync("systemd-analyze", ["verify", unit], null, Limit);
        using var broken = new TempConfig((await File.ReadAllTextAsync(unit)).Replace("/usr/bin/conn-check-agent", "/usr/bin/conn-check-agent-missing", StringComparison.Ordinal), "conn-check-agent.service");
        var rejected = await ProcessRunner.RunCommandAsync("systemd-analyze", ["verify", broken.Path], null, Limit);

        // verify only warns (exit 0) about unknown keys: a good unit gives no output at all.
        Assert.True(verify.ExitCode == 0 && verify.Stdout.Trim().Length == 0 && verify.Stderr.Trim().Length == 0, verify.ToString());
        Assert.True(rejected.ExitCode != 0, rejected.ToString());
        Assert.Contains("conn-check-agent-missing is not executable", rejected.Stderr);
    }

    [Fact]
    public async Task The_user_exists_and_the_etc_files_are_conffiles()
    {
        var user = await DebianPackages.RunAsync("getent", ["passwd", "conn-check"], Limit);
        var agentConffiles = await DebianPackages.RunAsync("dpkg-query", ["-W", "-f=${Conffiles}", "conn-check-agent"], Limit);
        var coordinatorConffiles = await DebianPackages.RunAsync("dpkg-query", ["-W", "-f=${Conffiles}", "conn-check"], Limit);

        Assert.Matches(@"^conn-check:x:\d+:\d+::/nonexistent:/usr/sbin/nologin$", user.Stdout.Trim());
        Assert.Equal(["/etc/conn-check/agent.hocon", "/etc/default/conn-check-agent"], Conffiles(agentConffiles.Stdout));
        Assert.Equal(["/etc/nagios/nrpe.d/conn-check.cfg"], Conffiles(coordinatorConffiles.Stdout));
    }

    [Fact]
    public async Task An_upgrade_keeps_the_edited_default_file_and_does_not_start_the_agent_here()
    {
        const string defaults = "/etc/default/conn-check-agent";
        var edited = (await File.ReadAllTextAsync(defaults)).Replace("CONN_CHECK_ZONE=\n", "CONN_CHECK_ZONE=pkg-web\n", StringComparison.Ordinal);
        Assert.Contains("CONN_CHECK_ZONE=pkg-web\n", edited);
        await File.WriteAllTextAsync(defaults, edited);
        try
        {
            await packages.InstallAsync(2);

            Assert.Equal(edited, await File.ReadAllTextAsync(defaults));
            Assert.Equal($"{packages.Upstream}-2", (await DebianPackages.RunAsync("dpkg-query", ["-W", "-f=${Version}", "conn-check-agent"], Limit)).Stdout);
            // No systemd runs as PID 1 here: postinst enables the unit but must start nothing, even with a zone set.
            Assert.False(Directory.Exists("/run/systemd/system"), "this test expects a machine without a running systemd");
            Assert.True(File.Exists("/etc/systemd/system/multi-user.target.wants/conn-check-agent.service"), "the unit is not enabled");
            var running = await ProcessRunner.RunCommandAsync("pgrep", ["-f", "^/usr/lib/conn-check-agent/conn-check-agent --zone pkg-web"], null, Limit);
            Assert.True(running.ExitCode == 1, running.ToString());
        }
        finally
        {
            await packages.PurgeAsync();
            await packages.InstallAsync(1);
        }
    }

    [Fact]
    public async Task Purge_removes_the_programs_the_etc_files_the_unit_and_the_user()
    {
        await File.AppendAllTextAsync("/etc/conn-check/agent.hocon", "# edited\n");
        try
        {
            await packages.PurgeAsync();

            string[] gone = ["/usr/bin/conn-check", "/usr/bin/conn-check-agent", "/usr/lib/conn-check", "/usr/lib/conn-check-agent", "/etc/conn-check",
                "/etc/default/conn-check-agent", "/etc/nagios/nrpe.d/conn-check.cfg", "/usr/lib/systemd/system/conn-check-agent.service",
                "/etc/systemd/system/multi-user.target.wants/conn-check-agent.service", "/usr/share/doc/conn-check-agent"];
            Assert.Equal([], gone.Where(p => File.Exists(p) || Directory.Exists(p) || new FileInfo(p).LinkTarget is not null).ToArray());
            var user = await ProcessRunner.RunCommandAsync("getent", ["passwd", "conn-check"], null, Limit);
            Assert.True(user.ExitCode == 2, user.ToString());
            var status = await ProcessRunner.RunCommandAsync("dpkg-query", ["-W", "-f=${db:Status-Status}", .. DebianPackages.Names], null, Limit);
            Assert.DoesNotContain("installed", status.Stdout.Replace("not-installed", "", StringComparison.Ordinal));
        }
        finally
        {
            await packages.InstallAsync(1);
        }
    }

    [Fact]
    public async Task Lintian_reports_no_errors_on_either_package()
    {
        var run = await ProcessRunner.RunCommandAsync("lintian", ["--tag-display-limit", "0", .. DebianPackages.Names.Select(n => packages.Deb(n, 1))], null, TimeSpan.FromMinutes(3));

        var errors = run.AllLines.Where(l => l.StartsWith("E: ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 0 && run.ExitCode == 0, run.ToString());
        // The warnings the README explains, and no others.
        Assert.Equal(["initial-upload-closes-no-bugs", "no-manual-page"], run.AllLines.Where(l => l.StartsWith("W: ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).Distinct().Order());
    }

    private static string[] Conffiles(string field) =>
        field.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0]).Order().ToArray();
}
