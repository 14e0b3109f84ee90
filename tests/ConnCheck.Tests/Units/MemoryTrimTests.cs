using ConnCheck.Agent;

namespace ConnCheck.Tests.Units;

/// <summary>Which mappings the agent's idle trim pages out: read-only .dll/.so file mappings, nothing else.</summary>
public sealed class MemoryTrimTests
{
    [Fact]
    public void Only_read_only_mappings_of_assemblies_and_libraries_are_paged_out()
    {
        string[] maps =
        [
            "7f0000000000-7f0000002000 r--p 00000000 08:01 11 /usr/lib/conn-check-agent/Akka.dll",
            "7f0000002000-7f0000005000 r-xp 00002000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6",
            "7f0000005000-7f0000006000 rw-p 00005000 08:01 12 /usr/lib/x86_64-linux-gnu/libc.so.6",
            "7f0000006000-7f0000007000 r-xp 00000000 08:01 13 /usr/lib/conn-check-agent/libcoreclr.so",
            "7f0000007000-7f0000008000 r-xs 00000000 00:01 14 /memfd:doublemapper (deleted)",
            "7f0000008000-7f0000009000 r--p 00000000 00:00 0 ",
            "55d000000000-55d000021000 rw-p 00000000 00:00 0 [heap]",
            "7f0000009000-7f000000a000 r--p 00000000 08:01 15 /etc/conn-check/agent.hocon",
            "garbage",
        ];

        var mappings = MemoryTrim.ReadOnlyFileMappings(maps).Select(m => ((long)m.Start, (ulong)m.Length)).ToArray();

        Assert.Equal([(0x7f0000000000L, 0x2000UL), (0x7f0000002000L, 0x3000UL), (0x7f0000006000L, 0x1000UL)], mappings);
    }

    [Fact]
    public void The_trim_pages_out_without_growing_the_process()
    {
        // This test process pages its own read-only code out; whatever runs next faults back in from
        // the page cache. (Pages other processes map too are left alone by the kernel.)
        var before = RssFileKib();
        MemoryTrim.Now();

        Assert.True(RssFileKib() <= before, $"RssFile grew from {before} to {RssFileKib()} KiB");
    }

    private static long RssFileKib() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("RssFile:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
}
