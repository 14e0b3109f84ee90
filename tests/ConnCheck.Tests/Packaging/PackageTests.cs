using System.Net;
using System.Net.Sockets;
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
        Assert.Equal([$"conn-check {packages.Upstream} (protocol 1)", $"conn-check-agent {packages.Upstream} (protocol 1)"], run.AllLines);
        foreach (var package in DebianPackages.Names)
        {
            var version = await DebianPackages.RunAsync("dpkg-query", ["-W", "-f=${Version}", package], Limit);
            Assert.StartsWith($"{packages.Upstream}-", version.Stdout);
        }
    }
}
