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
        error.WriteLine($"conn-check: timing: {phase,-22} +{(now - last).TotalMilliseconds,7:0.0} ms  (at {now.TotalMilliseconds:0.0} ms, process {(DateTime.Now - self.StartTime).TotalMilliseconds:0} ms, cpu +{(cpu - lastCpu).TotalMilliseconds:0} ms; {Memory()})");
        last = now;
        lastCpu = cpu;
    }

    // Where the memory is (bench/coordinator-rss.sh): the process's peak and its parts as the kernel
    // counts them, and the GC's own view (heap after the last GC, what it has committed).
    private static string Memory()
    {
        var status = File.Exists("/proc/self/status") ? File.ReadAllLines("/proc/self/status") : [];
        string Field(string name) =>
            status.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.Ordinal)) is { } line
                ? $"{long.Parse(line[(name.Length + 1)..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) >> 10}"
                : "?";
        var gc = GC.GetGCMemoryInfo();
        return $"peak {Field("VmHWM")} MiB, anon {Field("RssAnon")}, file {Field("RssFile")}, shmem {Field("RssShmem")}; "
            + $"gc heap {gc.HeapSizeBytes >> 20} MiB, committed {gc.TotalCommittedBytes >> 20}, {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} gcs, allocated {GC.GetTotalAllocatedBytes() >> 20} MiB";
    }
}
