using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>Three real agents on loopback, started once for a test class: web-1 (seed), web-2, batch-1.</summary>
public sealed class AgentClusterFixture : IAsyncLifetime
{
    public AgentProcess Web1 { get; private set; } = null!;

    public AgentProcess Web2 { get; private set; } = null!;

    public AgentProcess Batch1 { get; private set; } = null!;

    public string Seed => Web1.Address;

    public async Task InitializeAsync()
    {
        Web1 = await AgentProcess.StartAsync("web", "web-1");
        var others = await Task.WhenAll(
            AgentProcess.StartAsync("web", "web-2", [Web1.Address]),
            AgentProcess.StartAsync("batch", "batch-1", [Web1.Address]));
        (Web2, Batch1) = (others[0], others[1]);
        await WaitForMembersAsync(3, TimeSpan.FromSeconds(40));
    }

    public Task WaitForMembersAsync(int count, TimeSpan limit) =>
        ClusterPolling.WaitForAgentsAsync(() => ProcessRunner.ConnCheckAsync("agents", "--seed", Seed), count, limit, () => $"--- web-1\n{Web1.Process.Output}");

    public async Task DisposeAsync()
    {
        await Task.WhenAll(
            Web1.DisposeAsync().AsTask(),
            Web2.DisposeAsync().AsTask(),
            Batch1.DisposeAsync().AsTask());
    }
}
