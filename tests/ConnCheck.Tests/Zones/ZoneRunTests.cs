using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

[Collection(ZonesCollection.Name)]
public sealed class ZoneRunTests(ZonedNetworkFixture fixture) : IClassFixture<ZonedNetworkFixture>
{
    private ZoneNetwork Net => fixture.Network;

    [Fact]
    public async Task ProbeDrop()
    {
        using var config = new TempConfig(ZoneConfigs.Zoned(Net));
        await Net.IptablesAsync(Net.Router, "-I", "FORWARD", "1", "-s", "10.77.8.0/24", "-d", "10.77.2.0/24", "-j", "DROP");
        var run = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed, "--max-timeout", "30");
        await Net.IptablesAsync(Net.Router, "-D", "FORWARD", "-s", "10.77.8.0/24", "-d", "10.77.2.0/24", "-j", "DROP");
        await Net.IptablesAsync(Net.Router, "-I", "FORWARD", "1", "-s", "10.77.2.0/24", "-d", "10.77.8.0/24", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
        var run3 = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed, "--max-timeout", "30");
        await Net.IptablesAsync(Net.Router, "-D", "FORWARD", "-s", "10.77.2.0/24", "-d", "10.77.8.0/24", "-m", "conntrack", "--ctstate", "NEW", "-j", "DROP");
        await Net.ShellAsync(Net.CoordinatorNs, "ip route del 10.77.2.0/24");
        var run2 = await Net.ConnCheckAsync(config.Path, "--seed", "10.77.2.11:4550", "--seed", Net.Seed, "--max-timeout", "30");
        Assert.Fail(run.ToString() + "\n=====\n" + run3 + "\n=====\n" + run2);
    }
}
