using System.Diagnostics;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;
using ConnCheck.Checks.Types;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Units;

/// <summary>
/// The runner's abandon guard: a driver that ignores cancellation is given up at its timeout (plus
/// the runner's short grace) and reported as timed out, and the run still ends in time. No shipped
/// driver ignores its token, so the stuck one is a check type of this test, run by the real
/// runner beside a real tcp check against a loopback listener.
/// </summary>
public sealed class CheckRunnerAbandonTests
{
    private const double TimeoutSeconds = 0.4;

    [Fact]
    public async Task A_check_that_ignores_cancellation_is_abandoned_at_its_timeout_and_reported_timed_out()
    {
        using var listener = Loopback.Listening();
        var port = listener.Port();
        var stuck = new StuckCheck();
        var registry = new CheckRegistry([new TcpCheck(), stuck]);
        var runner = new CheckRunner(registry, new RunnerOptions { DefaultTimeout = TimeSpan.FromSeconds(5) });
        CheckSpec[] specs =
        [
            new() { Id = 1, Type = "stuck", Name = "stuck", Destination = new Destination("127.0.0.1", port), Options = new StuckOptions(), TimeoutSeconds = TimeoutSeconds },
            new() { Id = 2, Type = "tcp", Name = "tcp", Destination = new Destination("127.0.0.1", port), Options = new TcpOptions("127.0.0.1", port) },
        ];
        var results = new List<CheckResult>();

        var watch = Stopwatch.StartNew();
        var run = runner.RunAsync(specs, Vantage.Local, r => { lock (results) { results.Add(r); } return ValueTask.CompletedTask; }, CancellationToken.None);
        // A broken guard waits for the stuck driver forever: the deadline turns that into a failure.
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        var elapsed = watch.Elapsed;

        Assert.True(stuck.Started.Task.IsCompleted, "the stuck driver was never started");
        Assert.Equal([1, 2], results.Select(r => r.CheckId).Order());
        var abandoned = results.Single(r => r.CheckId == 1);
        Assert.Equal(CheckStatus.Failed, abandoned.Status);
        Assert.Equal("timed out after 0.4s", abandoned.Reason);
        Assert.Equal(CheckStatus.Ok, results.Single(r => r.CheckId == 2).Status);
        // Not given up before its timeout, and not much after it plus the 0.5 s grace (slack for a loaded machine).
        Assert.InRange(abandoned.DurationMs, TimeoutSeconds * 1000, 10_000);
        Assert.InRange(elapsed, TimeSpan.FromSeconds(TimeoutSeconds), TimeSpan.FromSeconds(10));
        Assert.False(stuck.Finished, "the stuck driver finished: the test no longer reaches the abandon path");
    }

    private sealed record StuckOptions() : CheckOptions;

    /// <summary>Never completes and never looks at its cancellation token.</summary>
    private sealed class StuckCheck : CheckType<StuckOptions>
    {
        private readonly TaskCompletionSource<CheckOutcome> never = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Finished => never.Task.IsCompleted;

        public override string Name => "stuck";

        public override CheckTarget Describe(StuckOptions options) => new("stuck", new Destination("127.0.0.1", 1));

        public override Task<CheckOutcome> RunAsync(StuckOptions options, Destination destination, CheckContext context, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            return never.Task;
        }
    }
}
