using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ConnCheck.Demo;

/// <summary>A conn-check program run as its own process with the same .NET runtime as the demo.</summary>
public sealed class Child : IDisposable
{
    private static readonly string Dotnet = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet"));
    private readonly Process process;
    private readonly List<string> lines = [];
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? readyText;

    private Child(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, bool captured, string? readyText)
    {
        this.readyText = readyText;
        var start = new ProcessStartInfo(Dotnet) { UseShellExecute = false, RedirectStandardOutput = captured, RedirectStandardError = captured };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Start();
        if (captured)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
    }

    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>Starts a process whose output is kept (shown only if something goes wrong).</summary>
    public static Child Captured(string dll, IEnumerable<string> args, string? readyText = null) =>
        new(dll, args, new Dictionary<string, string>(), captured: true, readyText);

    /// <summary>Starts a process that writes straight to the demo's own terminal.</summary>
    public static Child Shown(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment) =>
        new(dll, args, environment, captured: false, readyText: null);

    public async Task WaitReadyAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(ready.Task, exited).WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        if (first != ready.Task)
        {
            throw new InvalidOperationException($"exited with code {process.ExitCode} before it was ready:\n{Output}");
        }
    }

    public async Task<int> WaitExitAsync(CancellationToken cancellationToken)
    {
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }

        if (readyText is not null && line.Contains(readyText, StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }

        process.Dispose();
    }
}
