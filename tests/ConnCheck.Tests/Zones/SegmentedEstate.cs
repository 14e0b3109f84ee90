using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Zones;

/// <summary>
/// tests/zones/segmented.sh: zones web (web-1, web-2), batch (batch-1) and ops (ops-1) whose hosts
/// cannot reach each other at all, a coordinator host whose only opening is to the agents' port,
/// and a services host. One cluster per zone: web-2 seeds from web-1, batch-1 and ops-1 stand alone.
/// </summary>
public sealed class SegmentedEstate : NamespaceEstate
{
    private SegmentedEstate((string, string, string, IReadOnlyDictionary<string, string>) built)
        : base(built)
    {
    }

    /// <summary>One seed per zone's cluster.</summary>
    public string[] ZoneSeeds => [SeedOf("web-1"), SeedOf("batch-1"), SeedOf("ops-1")];

    public string SeedOf(string host) => $"{AddressOf(host)}:{AgentPort}";

    public static async Task<SegmentedEstate> StartAsync()
    {
        var estate = new SegmentedEstate(await BuildAsync("segmented.sh", "sg", "segmented", "root, iproute2, iptables"));
        try
        {
            estate.StartedAgents.AddRange(await Task.WhenAll(
                estate.StartAgentAsync("web", "web-1", []),
                estate.StartAgentAsync("batch", "batch-1", []),
                estate.StartAgentAsync("ops", "ops-1", [])));
            estate.StartedAgents.Add(await estate.StartAgentAsync("web", "web-2", [estate.SeedOf("web-1")]));
            await ClusterPolling.WaitForAgentsAsync(
                () => estate.ConnCheckAsync(["agents", .. estate.ZoneSeeds.SelectMany(s => new[] { "--seed", s })]),
                4,
                TimeSpan.FromSeconds(60),
                estate.AgentLogs);
        }
        catch
        {
            await estate.DisposeAsync();
            throw;
        }

        return estate;
    }
}

/// <summary>The segmented estate, built once per test class.</summary>
public sealed class SegmentedEstateFixture : IAsyncLifetime
{
    public SegmentedEstate Estate { get; private set; } = null!;

    public async Task InitializeAsync() => Estate = await SegmentedEstate.StartAsync();

    public async Task DisposeAsync() => await Estate.DisposeAsync();
}
