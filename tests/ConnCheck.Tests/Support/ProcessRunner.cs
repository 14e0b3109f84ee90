using System.Diagnostics;
using System.Text;

namespace ConnCheck.Tests.Support;

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    /// <summary>
    /// From the process's own start to its own exit, as the kernel saw them: for the product's bounds
    /// (--max-timeout counts from process start), free of the test's scheduling delays on a loaded machine.
    /// </summary>
    public TimeSpan ProcessElapsed { get; init; }

    /// <summary>Non-empty stdout lines up to the per-result perfdata section (which starts with a line "| ...").</summary>
    public string[] Lines => AllLines.TakeWhile((l, i) => i == 0 || !l.StartsWith("| ", StringComparison.Ordinal)).ToArray();

    /// <summary>The per-result perfdata items after the "| " that opens the section, one per line.</summary>
    public string[] Perfdata => AllLines.Skip(1).SkipWhile(l => !l.StartsWith("| ", StringComparison.Ordinal)).Select(l => l.StartsWith("| ", StringComparison.Ordinal) ? l[2..] : l).ToArray();

    public string[] AllLines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string StatusLine => Lines.FirstOrDefault() ?? "";

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.00}s (process {ProcessElapsed.TotalSeconds:0.00}s)\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs the real conn-check / conn-check-agent binaries as processes, the way operators do.</summary>
public static class ProcessRunner
{
    public static Task<ProcessResult> ConnCheckAsync(params string[] args) => RunAsync(Repo.CoordinatorDll, args, null, TimeSpan.FromSeconds(120));

    public static Task<ProcessResult> ConnCheckAsync(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        RunAsync(Repo.CoordinatorDll, args, environment, TimeSpan.FromSeconds(120));

    public static Task<ProcessResult> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan limit, string? netns = null)
    {
        var environmentWithDefaults = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" };
        return netns is null
            ? RunCommandAsync("dotnet", [dll, .. args], environmentWithDefaults, limit)
            : RunCommandAsync("ip", ["netns", "exec", netns, "dotnet", dll, .. args], environmentWithDefaults, limit);
    }

    /// <summary>Runs any command to its end (killed after <paramref name="limit"/>), capturing its output.</summary>
    public static async Task<ProcessResult> RunCommandAsync(string command, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment, TimeSpan limit)
    {
        var start = new ProcessStartInfo(command);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var watch = Stopwatch.StartNew();
        var launched = DateTime.Now;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        var started = StartTime(process, launched);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var outTask = process.StandardOutput.ReadToEndAsync();
        var errTask = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', start.ArgumentList)} did not exit within {limit}");
        }

        var elapsed = watch.Elapsed;
        return new ProcessResult(process.ExitCode, await outTask, await errTask, elapsed) { ProcessElapsed = process.ExitTime - started };
    }

    // The kernel's start time of the process; it can only be read while the process lives (Linux
    // reads /proc), so for one that is already gone, the moment it was launched.
    private static DateTime StartTime(Process process, DateTime launched)
    {
        try
        {
            return process.StartTime;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already (InvalidOperationException), or gone between the check and the read of /proc (Win32Exception).
            return launched;
        }
    }
}
