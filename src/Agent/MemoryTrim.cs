using System.Globalization;
using System.Runtime.InteropServices;

namespace ConnCheck.Agent;

/// <summary>
/// Gives memory back to the host once the agent is idle: a full compacting collection that also
/// decommits the GC's free regions (GCCollectionMode.Aggressive), glibc's malloc_trim for the native
/// heap, and MADV_PAGEOUT on the read-only file mappings of the runtime and assemblies. Without it an
/// agent keeps the peak of its last batch (and of its start-up) resident until the next batch.
/// Paged-out code pages are clean copies of files: those the idle agent still runs (heartbeats,
/// gossip) fault back in from the page cache at once, the rest stay out until the next batch.
/// </summary>
public static class MemoryTrim
{
    private const int MadvPageout = 21; // Linux 5.4+; older kernels answer EINVAL, which is ignored.

    public static void Now()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl has no malloc_trim).
        }

        try
        {
            foreach (var (start, length) in ReadOnlyFileMappings(File.ReadLines("/proc/self/maps")))
            {
                _ = Madvise(start, length, MadvPageout);
            }
        }
        catch (IOException)
        {
            // No /proc: nothing to page out.
        }
    }

    /// <summary>The read-only mappings of .dll and .so files in /proc/PID/maps lines: start and length.</summary>
    public static IEnumerable<(nint Start, nuint Length)> ReadOnlyFileMappings(IEnumerable<string> mapsLines)
    {
        foreach (var line in mapsLines)
        {
            // "7f12a000-7f12b000 r-xp 00001000 08:01 1234  /usr/lib/x86_64-linux-gnu/libc.so.6"
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6 || fields[1].Contains('w', StringComparison.Ordinal))
            {
                continue;
            }

            var path = fields[5].Trim();
            if (!path.StartsWith('/') || !(path.EndsWith(".dll", StringComparison.Ordinal) || path.EndsWith(".so", StringComparison.Ordinal) || path.Contains(".so.", StringComparison.Ordinal)))
            {
                continue;
            }

            var range = fields[0].Split('-');
            if (range.Length == 2
                && long.TryParse(range[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var start)
                && long.TryParse(range[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var end)
                && end > start)
            {
                yield return ((nint)start, (nuint)(end - start));
            }
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    [DllImport("libc", EntryPoint = "madvise")]
    private static extern int Madvise(nint address, nuint length, int advice);
}
