using System.Diagnostics;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Reporting;
using ConnCheck.Coordinator.Running;
using ConnCheck.Protocol;

namespace ConnCheck.Coordinator.Cli;

/// <summary>The default command: load, plan, run, report. Returns the Nagios exit code.</summary>
public sealed class RunCommand(RunSettings settings, TextWriter output, TextWriter error)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var startedAt = DateTimeOffset.UtcNow;
        try
        {
            var config = new ConfigLoader(CheckRegistry.Default, EnvInterpolation.FromProcess).LoadFile(settings.ConfigPath);
            if (settings.ValidateOnly)
            {
                await output.WriteLineAsync(ValidationSummary(config)).ConfigureAwait(false);
                return 0;
            }

            var selection = new CheckSelection(settings.Patterns, settings.IncludeTags, settings.ExcludeTags);
            var minAgents = config.Zones.ToDictionary(z => z.Key, z => z.Value.MinAgents);
            var plan = RunPlan.Create(config.Checks, selection, new Dictionary<string, IReadOnlyList<AgentInfo>>(), minAgents, settings.Local);

            if (settings.DryRun)
            {
                await DryRun.WriteAsync(plan, output).ConfigureAwait(false);
                return 0;
            }

            var runner = new CheckRunner(CheckRegistry.Default, new RunnerOptions
            {
                MaxConcurrency = settings.Concurrency,
                DefaultTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds),
                Tls = TlsSettings.FromDirectory(settings.TlsCertsPath),
            });
            var reporter = CreateReporter();
            Action<CheckResult>? live = settings.Unbuffered ? r => reporter.WriteLive(r, output) : null;
            var maxTimeout = settings.MaxTimeoutSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
            var results = await new RunExecutor(runner, dispatcher: null).ExecuteAsync(plan, maxTimeout, live, cancellationToken, SinceProcessStart()).ConfigureAwait(false);

            var report = new RunReport(results, watch.Elapsed, startedAt, ZonesSimulated: settings.Local && config.Checks.Any(c => c.From.Any(z => z != Zones.Local)));
            reporter.Write(report, output);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
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
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await output.WriteLineAsync($"CONN-CHECK UNKNOWN: {Failures.OneLine(ex.Message)}").ConfigureAwait(false);
            if (settings.Tracebacks)
            {
                await error.WriteLineAsync(ex.ToString()).ConfigureAwait(false);
            }

            return (int)RunStatus.Unknown;
        }
    }

    // --max-timeout bounds what the caller waits for, so runtime start-up and config loading count too.
    private static TimeSpan SinceProcessStart()
    {
        using var self = Process.GetCurrentProcess();
        var elapsed = DateTime.Now - self.StartTime;
        return elapsed > TimeSpan.Zero ? elapsed : TimeSpan.Zero;
    }

    private IReporter CreateReporter() => settings.Format switch
    {
        _ => new NagiosReporter(new ReportOptions(settings.Verbose, settings.Durations), settings.Unbuffered),
    };

    private static string ValidationSummary(ConnCheckConfig config)
    {
        var zones = config.Checks.SelectMany(c => c.From).Distinct().Order(StringComparer.Ordinal).ToList();
        var from = zones.Count == 0 ? "" : $" from zones {string.Join(", ", zones)}";
        return $"{config.File}: valid, {Plural(config.Checks.Count, "check")}{from}";
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
