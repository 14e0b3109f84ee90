namespace ConnCheck.Tests.Zones;

/// <summary>Zones run one network at a time: each builds servers and agents in namespaces.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ZonesCollection
{
    public const string Name = "zones";
}

/// <summary>The zones network with the router's zone firewall, built once per test class.</summary>
public sealed class ZonedNetworkFixture : IAsyncLifetime
{
    public ZoneNetwork Network { get; private set; } = null!;

    public async Task InitializeAsync() => Network = await ZoneNetwork.StartAsync("zoned");

    public async Task DisposeAsync() => await Network.DisposeAsync();
}

/// <summary>The zones network with a router that forwards everything: host firewalls are the only ones.</summary>
public sealed class OpenNetworkFixture : IAsyncLifetime
{
    public ZoneNetwork Network { get; private set; } = null!;

    public async Task InitializeAsync() => Network = await ZoneNetwork.StartAsync("open");

    public async Task DisposeAsync() => await Network.DisposeAsync();
}
