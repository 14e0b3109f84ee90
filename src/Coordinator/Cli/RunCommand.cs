using System.Diagnostics;
using System.Globalization;
using ConnCheck.Checks.Engine;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Remote;
using ConnCheck.Coordinator.Reporting;
using ConnCheck.Coordinator.Running;
using ConnCheck.Protocol;

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

        try
        {
            var config = new ConfigLoader(CheckRegistry.Default, EnvInterpolation.FromProcess).LoadFile(settings.ConfigPath);
            phases.Mark("config loaded");
            if (settings.ValidateOnly)
            {
                await output.WriteLineAsync(ValidationSummary(config)).ConfigureAwait(false);
                return 0;
            }

            var selection = new CheckSelection(settings.Patterns, settings.IncludeTags, settings.ExcludeTags);
            var needsAgents = !settings.Local && config.Checks.Any(c => selection.Includes(c) && c.From.Any(z => z != Zones.Local));
            await using var agents = needsAgents
                ? await ConnectAgentsAsync(config, deadline.Token).ConfigureAwait(false)
                : RemoteAgents.None("not needed");
            phases.Mark("agents found");

            var minAgents = config.Zones.ToDictionary(z => z.Key, z => z.Value.MinAgents);
            var plan = RunPlan.Create(config.Checks, selection, agents.Live, minAgents, settings.Local, agents.ProblemFor);
            if (settings.DryRun)
            {
                await DryRun.WriteAsync(plan, output).ConfigureAwait(false);
                return 0;
            }

            var defaultTimeout = TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds);
            var runner = new CheckRunner(CheckRegistry.Default, new RunnerOptions
            {
                MaxConcurrency = settings.Concurrency,
                DefaultTimeout = defaultTimeout,
                Tls = TlsSettings.FromDirectory(settings.TlsCertsPath),
            });
            var reporter = CreateReporter();

            // A structured document is written whole at the end: -U would break it, so it only streams nagios.
            var streams = settings.Unbuffered && reporter is NagiosReporter;
            Action<CheckResult>? live = streams ? r => reporter.WriteLive(r, output) : null;
            var results = await new RunExecutor(runner, agents.Dispatcher(defaultTimeout))
                .ExecuteAsync(plan, maxTimeout is { } max ? Remaining(max) : null, maxTimeout, live, cancellationToken)
                .ConfigureAwait(false);

            phases.Mark("checks finished");
            var report = new RunReport(results, watch.Elapsed, startedAt, ZonesSimulated: settings.Local && config.Checks.Any(c => c.From.Any(z => z != Zones.Local)), config.Checks, agents.Live);
            reporter.Write(report, output);
            if (settings.HtmlPath is { } html)
            {
                await File.WriteAllTextAsync(html, HtmlMatrix.Render(report), CancellationToken.None).ConfigureAwait(false);
            }

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
    }

    private async Task<RemoteAgents> ConnectAgentsAsync(ConnCheckConfig config, CancellationToken cancellationToken)
    {
        var seeds = settings.Seeds.Count > 0 ? settings.Seeds : config.Agents.Seeds;
        var statics = settings.Agents.Select(ParseStaticAgent).Concat(config.Agents.Static).ToArray();
        return await RemoteAgents.ConnectAsync(seeds, statics, settings.Bind, settings.PublicHostname, settings.HoconFile, cancellationToken).ConfigureAwait(false);
    }

    // --max-timeout bounds what the caller waits for, so runtime start-up and config loading count too.
    private static TimeSpan Remaining(TimeSpan limit)
    {
        using var self = Process.GetCurrentProcess();
        var left = limit - (DateTime.Now - self.StartTime);
        return left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    private static StaticAgent ParseStaticAgent(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == text.Length - 1)
        {
            throw new ArgumentException($"bad --agent '{text}': expected ZONE=HOST:PORT");
        }

        return new StaticAgent(text[..equals], text[(equals + 1)..]);
    }

    private IReporter CreateReporter() => settings.Format switch
    {
        "json" => new JsonReporter(),
        "junit" => new JunitReporter(),
        _ => new NagiosReporter(new ReportOptions(settings.Verbose, settings.Durations, settings.Matrix), settings.Unbuffered),
    };

    private static string ValidationSummary(ConnCheckConfig config)
    {
        var zones = config.Checks.SelectMany(c => c.From).Distinct().Order(StringComparer.Ordinal).ToList();
        var from = zones.Count == 0 ? "" : $" from zones {string.Join(", ", zones)}";
        return $"{config.File}: valid, {Plural(config.Checks.Count, "check")}{from}";
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
