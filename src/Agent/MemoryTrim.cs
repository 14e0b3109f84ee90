using System.Runtime.InteropServices;

namespace ConnCheck.Agent;

/// <summary>
/// Gives memory back to the host once the agent is idle: a full compacting collection that also
/// decommits the GC's free regions (GCCollectionMode.Aggressive), then glibc's malloc_trim for the
/// native heap. Without it an agent keeps the peak of its last batch (and of its start-up) resident
/// until the next batch reuses it.
/// </summary>
public static class MemoryTrim
{
    public static void Now()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                // Not glibc (musl has no malloc_trim): the managed part is done.
            }
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
