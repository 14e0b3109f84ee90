using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ConnCheck.Tests.Support;

/// <summary>A long-running process (agent, streaming coordinator) whose output lines are watched as they come.</summary>
public sealed class RunningProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> stdout = [];
    private readonly List<string> stderr = [];
    private readonly Stopwatch watch = Stopwatch.StartNew();

    private RunningProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) => Add(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Add(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => process.Id;

    public bool HasExited => process.HasExited;

    public TimeSpan Elapsed => watch.Elapsed;

    public IReadOnlyList<string> StdoutLines
    {
        get
        {
            lock (stdout)
            {
                return stdout.ToArray();
            }
        }
    }

    public string Output
    {
        get
        {
            lock (stdout)
            {
                lock (stderr)
                {
                    return string.Join('\n', stdout) + "\n--- stderr\n" + string.Join('\n', stderr);
                }
            }
        }
    }

    /// <param name="netns">A network namespace to run the process in (via <c>ip netns exec</c>, which execs in place).</param>
    public static RunningProcess Start(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, string? netns = null) =>
        netns is null
            ? StartCommand("dotnet", [dll, .. args], environment)
            : StartCommand("ip", ["netns", "exec", netns, "dotnet", dll, .. args], environment);

    /// <summary>Any program (an installed command, a packaged daemon), its output kept like an agent's.</summary>
    public static RunningProcess StartCommand(string command, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(command);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new RunningProcess(Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}"));
    }

    /// <summary>Waits until a stdout or stderr line matches, or fails with everything printed so far.</summary>
    public async Task WaitForLineAsync(Func<string, bool> match, TimeSpan limit, string what)
    {
        var until = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < until)
        {
            lock (stdout)
            {
                lock (stderr)
                {
                    if (stdout.Concat(stderr).Any(match))
                    {
                        return;
                    }
                }
            }

            if (process.HasExited)
            {
                await Task.Delay(100);
                throw new InvalidOperationException($"process exited ({process.ExitCode}) before {what}:\n{Output}");
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no {what} within {limit}:\n{Output}");
    }

    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"process did not exit within {limit}:\n{Output}");
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>SIGTERM: ask the process to stop.</summary>
    public void Terminate() => Send(15);

    /// <summary>SIGSTOP: freeze the process; its sockets stay open and nothing answers.</summary>
    public void Freeze() => Send(19);

    /// <summary>SIGCONT: thaw a frozen process.</summary>
    public void Thaw() => Send(18);

    /// <summary>Freezes the process until the result is disposed, so a failing test never leaves it stopped.</summary>
    public IDisposable FreezeUntilDisposed()
    {
        Freeze();
        return new Thawer(this);
    }

    private sealed class Thawer(RunningProcess process) : IDisposable
    {
        public void Dispose() => process.Thaw();
    }

    private void Send(int signal)
    {
        if (Kill(process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, {signal}) failed");
        }
    }

    public void KillHard() => process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            try
            {
                Kill(process.Id, 18);
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            catch (InvalidOperationException)
            {
            }
        }

        process.Dispose();
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
