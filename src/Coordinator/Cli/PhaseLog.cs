using System.Diagnostics;

namespace ConnCheck.Coordinator.Cli;

/// <summary>With CONN_CHECK_TIMINGS=1, prints how long each phase of a run took to stderr (for profiling).</summary>
public sealed class PhaseLog(TextWriter error, bool enabled)
{
    private readonly Stopwatch watch = Stopwatch.StartNew();
    private TimeSpan last;
    private TimeSpan lastCpu;

    public static PhaseLog FromEnvironment(TextWriter error) =>
        new(error, Environment.GetEnvironmentVariable("CONN_CHECK_TIMINGS") is "1" or "true");

    /// <summary>Wraps a result callback so that the first result marks <paramref name="phase"/> (bench/scale reads it).</summary>
    public Action<T>? MarkFirst<T>(Action<T>? inner, string phase)
    {
        if (!enabled)
        {
            return inner;
        }

        var seen = 0;
        return item =>
        {
            if (Interlocked.Exchange(ref seen, 1) == 0)
            {
                Mark(phase);
            }

            inner?.Invoke(item);
        };
    }

    public void Mark(string phase)
    {
        if (!enabled)
        {
            return;
        }

        var now = watch.Elapsed;
        using var self = Process.GetCurrentProcess();
        // CPU time tells the work apart from waiting for a core on a loaded machine.
        var cpu = self.TotalProcessorTime;
        error.WriteLine($"conn-check: timing: {phase,-22} +{(now - last).TotalMilliseconds,7:0.0} ms  (at {now.TotalMilliseconds:0.0} ms, process {(DateTime.Now - self.StartTime).TotalMilliseconds:0} ms, cpu +{(cpu - lastCpu).TotalMilliseconds:0} ms)");
        last = now;
        lastCpu = cpu;
    }
}
