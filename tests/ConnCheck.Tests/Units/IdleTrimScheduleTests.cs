using ConnCheck.Agent;

namespace ConnCheck.Tests.Units;

/// <summary>When an idle agent gives memory back: after its start or last batch, once more, then not until more work.</summary>
public sealed class IdleTrimScheduleTests
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Again = TimeSpan.FromSeconds(30);

    [Fact]
    public void An_idle_agent_trims_after_the_first_delay_then_once_more_then_stops()
    {
        var schedule = new IdleTrimSchedule(First, Again);

        Assert.Equal(First, schedule.AfterWork());
        Assert.Equal(Again, schedule.AfterTrim());
        Assert.Null(schedule.AfterTrim());
        Assert.Null(schedule.AfterTrim());
    }

    [Fact]
    public void A_batch_ending_starts_the_two_trims_over()
    {
        var schedule = new IdleTrimSchedule(First, Again);
        _ = schedule.AfterWork();
        _ = schedule.AfterTrim();
        _ = schedule.AfterTrim();

        Assert.Equal(First, schedule.AfterWork());
        Assert.Equal(Again, schedule.AfterTrim());
        Assert.Null(schedule.AfterTrim());
    }

    [Theory]
    [InlineData(0, 30)] // trimming off: no second trim either
    [InlineData(5, 0)]  // second trim off
    public void A_zero_delay_switches_that_trim_off(int firstSeconds, int againSeconds)
    {
        var schedule = new IdleTrimSchedule(TimeSpan.FromSeconds(firstSeconds), TimeSpan.FromSeconds(againSeconds));

        Assert.Equal(firstSeconds > 0 ? TimeSpan.FromSeconds(firstSeconds) : null, schedule.AfterWork());
        Assert.Null(schedule.AfterTrim());
    }
}
