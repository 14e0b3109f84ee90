using System.Diagnostics;
using System.Globalization;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.History;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Coordinator.Reporting;
using ConnCheck.Coordinator.Running;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The default command: load, find agents, plan, run, report. Returns the Nagios exit code.</summary>
public sealed class RunCommand(RunSettings settings, TextWriter output, TextWriter error)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var phases = PhaseLog.FromEnvironment(error);
        var startedAt = DateTimeOffset.UtcNow;
        var maxTimeout = settings.MaxTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (maxTimeout is { } limit)
        {
            deadline.CancelAfter(Remaining(limit));
        }

        // Remoting takes a few hundred milliseconds to start: when the command line already names
        // agents, start it while the config is parsed.
        var remoting = EarlyRemoting(deadline.Token);
        try
        {
            var config = new ConfigLoader(CheckTypes.Default, EnvInterpolation.FromProcess).LoadFile(settings.ConfigPath, phases.Mark);
            phases.Mark("config loaded");
            await WarnAsync(config, error).ConfigureAwait(false);
            if (settings.ValidateOnly)
            {
                await output.WriteLineAsync(ValidationSummary(config)).ConfigureAwait(false);
                return 0;
            }

            await using var history = settings.HistoryPath is { } historyPath && !settings.DryRun
                ? RunHistory.Start(historyPath, settings.ConfigPath, HistorySelection(), CancellationToken.None)
                : null;
            var selection = new CheckSelection(settings.Patterns, settings.IncludeTags, settings.ExcludeTags);
            if (selection.IsRestricted && !config.Checks.Any(selection.Includes))
            {
                // A monitoring run that checks nothing must never look like a pass.
                await output.WriteLineAsync($"CONN-CHECK UNKNOWN: {Failures.OneLine(selection.NothingSelected())}").ConfigureAwait(false);
                return (int)RunStatus.Unknown;
            }

            var needsAgents = !settings.Local && config.Checks.Any(c => selection.Includes(c) && c.From.Any(z => z != Zones.Local));
            await using var agents = await FindAgentsAsync(needsAgents, config, TakeOwnership(ref remoting), deadline.Token).ConfigureAwait(false);
            phases.Mark("agents found");

            var minAgents = config.Zones.ToDictionary(z => z.Key, z => z.Value.MinAgents);
            var plan = RunPlan.Create(config.Checks, selection, agents.Live, minAgents, settings.Local, agents.ProblemFor, agents.UnansweredIn);
            if (settings.DryRun)
            {
                await DryRun.WriteAsync(plan, output).ConfigureAwait(false);
                return 0;
            }

            var defaultTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds);
            var runner = new CheckRunner(CheckTypes.Default, new RunnerOptions
            {
                MaxConcurrency = settings.Concurrency,
                DefaultTimeout = defaultTimeout,
                Tls = TlsSettings.FromDirectory(settings.TlsCertsPath),
            });
            var format = OutputFormats.Get(settings.Format);
            var reporter = format.Create(new ReportOptions(settings.Verbose, settings.Durations, settings.Matrix, settings.Unbuffered));

            // A structured document is written whole at the end: -U would break it, so only a streaming format streams.
            var streams = settings.Unbuffered && format.Streams;
            Action<CheckResult>? live = streams ? r => reporter.WriteLive(r, output) : null;
            live = phases.MarkFirst(live, "first result");
            var results = await new RunExecutor(runner, agents.Dispatcher(defaultTimeout))
                .ExecuteAsync(plan, maxTimeout is { } max ? Remaining(max) : null, maxTimeout, live, cancellationToken)
                .ConfigureAwait(false);

            phases.Mark("checks finished");
            var report = new RunReport(results, watch.Elapsed, startedAt, ZonesSimulated: settings.Local && config.Checks.Any(c => c.From.Any(z => z != Zones.Local)), config.Checks, agents.Live);
            if (history is not null)
            {
                report = await history.RecordAsync(report, settings.HistoryKeep, settings.WarnOnChange, error, CancellationToken.None).ConfigureAwait(false);
                phases.Mark("history recorded");
            }

            reporter.Write(report, output);
            await WriteFileAsync("--html", settings.HtmlPath, path => WriteFormatAsync("html", path, report)).ConfigureAwait(false);
            await WriteFileAsync("--textfile", settings.TextfileDirectory, dir => OpenMetricsReporter.WriteTextfileAsync(dir, report)).ConfigureAwait(false);

            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            phases.Mark("report written");
            return report.ExitCode;
        }
        catch (ConfigException ex)
        {
            foreach (var problem in ex.Errors)
            {
                await error.WriteLineAsync(problem.ToString()).ConfigureAwait(false);
            }

            // Nagios shows only stdout: name the first problem there too.
            var more = ex.Errors.Count > 1 ? $" (and {Plural(ex.Errors.Count - 1, "more error")})" : "";
            await output.WriteLineAsync($"CONN-CHECK UNKNOWN: invalid config {Failures.OneLine(ex.Errors[0].ToString())}{more}").ConfigureAwait(false);
            return (int)RunStatus.Unknown;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"CONN-CHECK UNKNOWN: deadline (--max-timeout {settings.MaxTimeoutSeconds}s) passed while finding agents")).ConfigureAwait(false);
            return (int)RunStatus.Unknown;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"CONN-CHECK UNKNOWN: {Failures.OneLine(ex.Message)}").ConfigureAwait(false);
            if (settings.Tracebacks)
            {
                await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return (int)RunStatus.Unknown;
        }
        finally
        {
            await StopAsync(remoting).ConfigureAwait(false);
        }
    }

    /// <summary>Writes an extra output file; failing costs a stderr line, the checks' verdict stands.</summary>
    private async Task WriteFileAsync(string option, string? path, Func<string, Task> write)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            await write(path).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"conn-check: cannot write {option} {path}: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>What, besides the config's bytes, decides which checks ran: runs that differ here are different configs to the history.</summary>
    private string[] HistorySelection() =>
        [.. settings.Patterns, "+" + string.Join(',', settings.IncludeTags), "-" + string.Join(',', settings.ExcludeTags), settings.Local ? "local" : "agents"];

    /// <summary>One stderr line per field accepted for the original's sake but ignored.</summary>
    internal static async Task WarnAsync(ConnCheckConfig config, TextWriter error)
    {
        foreach (var warning in config.Warnings)
        {
            await error.WriteLineAsync($"warning: {warning}").ConfigureAwait(false);
        }
    }

    private (IReadOnlyList<SeedRef> Seeds, IReadOnlyList<StaticAgent> Statics) AgentSources(ConnCheckConfig config) =>
        (config.SeedsToAsk(settings.Seeds), settings.Agents.Select(ParseStaticAgent).Concat(config.Agents.Static).ToArray());

    private Task<CoordinatorRemoting>? EarlyRemoting(CancellationToken cancellationToken)
    {
        if (settings.Local || settings.ValidateOnly)
        {
            return null;
        }

        var peers = settings.Seeds.Concat(settings.Agents.Select(a => a[(a.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToArray();
        return peers.Length == 0 ? null : StartRemoting(peers, cancellationToken);
    }

    private Task<CoordinatorRemoting> StartRemoting(IReadOnlyList<string> peers, CancellationToken cancellationToken) =>
        Task.Run(() => CoordinatorRemoting.StartAsync(settings.Bind, settings.PublicHostname, settings.HoconFile, peers, cancellationToken), cancellationToken);

    /// <summary>Connects to the agents if the selected checks need any; takes ownership of <paramref name="early"/>.</summary>
    private async Task<RemoteAgents> FindAgentsAsync(bool needed, ConnCheckConfig config, Task<CoordinatorRemoting>? early, CancellationToken cancellationToken)
    {
        var (seeds, statics) = AgentSources(config);
        if (!needed || (seeds.Count == 0 && statics.Count == 0))
        {
            await StopAsync(early).ConfigureAwait(false);
            return RemoteAgents.None(needed ? "no --seed or --agent given" : "not needed");
        }

        var remoting = early ?? StartRemoting(seeds.Select(s => s.Address).Concat(statics.Select(a => a.Address)).ToArray(), cancellationToken);
        return await RemoteAgents.ConnectAsync(seeds, statics, remoting, timeEachHello: false, cancellationToken).ConfigureAwait(false);
    }

    private static Task<CoordinatorRemoting>? TakeOwnership(ref Task<CoordinatorRemoting>? remoting)
    {
        var taken = remoting;
        remoting = null;
        return taken;
    }

    /// <summary>Stops remoting that was started for nothing (no remote checks, or a config error).</summary>
    private static async Task StopAsync(Task<CoordinatorRemoting>? remoting)
    {
        if (remoting is null)
        {
            return;
        }

        try
        {
            await (await remoting.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ArgumentException or OperationCanceledException or Akka.Configuration.ConfigurationException or FileNotFoundException or FormatException)
        {
            // Starting failed; the run already reported whatever mattered.
        }
    }

    // --max-timeout bounds what the caller waits for, so runtime start-up and config loading count too.
    private static TimeSpan Remaining(TimeSpan limit)
    {
        using var self = Process.GetCurrentProcess();
        var left = limit - (DateTime.Now - self.StartTime);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    internal static StaticAgent ParseStaticAgent(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            throw new ArgumentException($"bad --agent '{text}': expected ZONE=HOST:PORT");
        }

        return new StaticAgent(text[..equals], text[(equals + 1)..]);
    }

    private static async Task WriteFormatAsync(string format, string path, RunReport report)
    {
        await using var file = new StreamWriter(path);
        OutputFormats.Get(format).Create(new ReportOptions()).Write(report, file);
    }

    private static string ValidationSummary(ConnCheckConfig config)
    {
        var zones = config.Checks.SelectMany(c => c.From).Distinct().Order(StringComparer.Ordinal).ToList();
        var from = zones.Count == 0 ? "" : $" from zones {string.Join(", ", zones)}";
        return $"{config.File}: valid, {Plural(config.Checks.Count, "check")}{from}";
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
