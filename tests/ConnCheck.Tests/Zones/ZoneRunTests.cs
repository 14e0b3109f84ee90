using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

[Collection(ZonesCollection.Name)]
public sealed class ZoneRunTests(ZonedNetworkFixture fixture) : IClassFixture<ZonedNetworkFixture>
{
    private ZoneNetwork Net => fixture.Network;

    [Fact]
    public async Task Probe()
    {
        using var config = new TempConfig(ZoneConfigs.Zoned(Net));
        var run = await Net.ConnCheckAsync(config.Path, "--seed", Net.Seed, "-v");
        Assert.Fail(run.ToString());
    }
}
