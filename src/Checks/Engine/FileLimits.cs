using System.Globalization;

namespace ConnCheck.Checks.Engine;

/// <summary>How many checks the process's open-file limit leaves room for.</summary>
public static class FileLimits
{
    // Descriptors kept back for the runtime, remoting, logs and the config file.
    private const int Reserved = 256;

    /// <summary>
    /// Half of what the soft RLIMIT_NOFILE leaves after <see cref="Reserved"/> (a check holds one socket,
    /// a proxied or TLS-upgrading one briefly two), at least 16. .NET raises the soft limit to the hard
    /// one at start-up, so this is normally far above any concurrency setting. Without /proc: no cap.
    /// </summary>
    public static int CheckBudget()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/limits"))
            {
                if (!line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    continue;
                }

                var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" || !long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
                    ? int.MaxValue
                    : (int)Math.Clamp((limit - Reserved) / 2, 16, int.MaxValue);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return int.MaxValue;
    }
}
