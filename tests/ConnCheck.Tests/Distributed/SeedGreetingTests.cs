using ConnCheck.Coordinator.Remote;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Distributed;

/// <summary>
/// A run greets a seed together with its membership request (one round trip less on a cold start);
/// what the coordinator then knows of the seed, and what it refuses, must be what a hello of its own gives.
/// </summary>
public sealed class SeedGreetingTests(SingleAgentFixture fixture) : IClassFixture<SingleAgentFixture>
{
    private AgentProcess Agent => fixture.Agent;

    private async Task<IReadOnlyList<AgentContact>> DiscoverAsync(bool timeEachHello, Func<SeedAnswer, string?> zoneToExpect)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var remoting = await CoordinatorRemoting.StartAsync("127.0.0.1", null, null, [Agent.Address], timeout.Token);
        var discovery = new AgentDiscovery(remoting, timeEachHello: timeEachHello);
        var answers = await discovery.AskSeedsAsync([new SeedRef(Agent.Address)], timeout.Token);
        var candidates = answers.SelectMany(a => a.Members.Select(m => new AgentCandidate(m.Address, zoneToExpect(a), m.Name))).ToArray();
        return await discovery.GreetAsync(candidates, timeout.Token);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_seed_is_reached_with_its_name_zone_and_actor(bool timeEachHello)
    {
        var contact = Assert.Single(await DiscoverAsync(timeEachHello, _ => "web"));

        Assert.Null(contact.Problem);
        Assert.Equal(("lone-1", "web"), (contact.Info?.Name, contact.Info?.Zone));
        Assert.Equal("/user/agent", contact.Ref?.Path.ToStringWithoutAddress());
        Assert.True(contact.RoundTripMs > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_seed_in_another_zone_than_expected_is_refused_by_name(bool timeEachHello)
    {
        var contact = Assert.Single(await DiscoverAsync(timeEachHello, _ => "batch"));

        Assert.Null(contact.Info);
        Assert.Null(contact.Ref);
        Assert.Equal($"agent lone-1 at {Agent.Address} is in zone web, not batch", contact.Problem);
    }
}
