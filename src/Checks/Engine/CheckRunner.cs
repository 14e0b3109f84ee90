using System.Diagnostics;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

public sealed record RunnerOptions
{
    /// <summary>How many checks may be in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 1024;

    /// <summary>Timeout of a check that sets none (--connect-timeout).</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TlsSettings Tls { get; init; } = TlsSettings.SystemOnly;

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Destinations an agent may connect to; null = any.</summary>
    public Allowlist? Allowlist { get; init; }
}

/// <summary>The vantage point results are attributed to.</summary>
public sealed record Vantage(string Zone, string? Agent)
{
    public static Vantage Local { get; } = new(Zones.Local, null);
}

/// <summary>
/// Runs checks concurrently, each under its own timeout, and hands every result over as soon as it
/// is known. Used the same way by local runs and by agents.
/// </summary>
public sealed class CheckRunner(CheckRegistry registry, RunnerOptions options)
{
    // A driver that ignores cancellation gets this long past its timeout before it is abandoned.
    private static readonly TimeSpan AbandonGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs <paramref name="specs"/>; <paramref name="onResult"/> may be called concurrently. Returns when
    /// every check has reported, or early when <paramref name="cancellationToken"/> fires (unfinished
    /// checks then report nothing: the caller knows what it still expected).
    /// </summary>
    public async Task RunAsync(IEnumerable<CheckSpec> specs, Vantage vantage, Func<CheckResult, ValueTask> onResult, CancellationToken cancellationToken)
    {
        using var slots = new SemaphoreSlim(EffectiveConcurrency);
        var running = new List<Task>();
        try
        {
            // Checks start in order as slots free up: no task per check waits on the semaphore.
            foreach (var spec in specs)
            {
                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                running.Add(RunInSlotAsync(spec, vantage, onResult, slots, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Checks in flight at once: the configured limit, but never more than the file descriptors
    /// this process may open allow (<see cref="FileLimits.CheckBudget"/>).
    /// </summary>
    public int EffectiveConcurrency { get; } = Math.Clamp(options.MaxConcurrency, 1, FileLimits.CheckBudget());

    /// <summary>The same runner with another timeout for checks that set none (a run's --connect-timeout on an agent).</summary>
    public CheckRunner WithDefaultTimeout(TimeSpan timeout) =>
        timeout <= TimeSpan.Zero || timeout == options.DefaultTimeout ? this : new CheckRunner(registry, options with { DefaultTimeout = timeout });

    private async Task RunInSlotAsync(CheckSpec spec, Vantage vantage, Func<CheckResult, ValueTask> onResult, SemaphoreSlim slots, CancellationToken cancellationToken)
    {
        CheckResult result;
        try
        {
            result = await RunOneAsync(spec, vantage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        await onResult(result).ConfigureAwait(false);
    }

    /// <summary>Runs one check to its result; throws only when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<CheckResult> RunOneAsync(CheckSpec spec, Vantage vantage, CancellationToken cancellationToken)
    {
        var type = registry.Get(spec.Type);
        var checkOptions = spec.OptionsIn(vantage.Zone);
        var timeout = spec.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.DefaultTimeout;
        var context = new CheckContext(timeout, options.Tls) { Allowlist = options.Allowlist, Zone = vantage.Zone };
        var started = Stopwatch.GetTimestamp();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var refusal = options.Allowlist is { } allowlist ? await RefusalAsync(allowlist, spec.Destination, timeoutSource.Token).ConfigureAwait(false) : null;
        cancellationToken.ThrowIfCancellationRequested();
        var work = refusal is not null
            ? Task.FromResult(Allowlist.Refused(type.Name, refusal))
            : spec.Reachable
            ? type.RunAsync(checkOptions, spec.Destination, context, timeoutSource.Token)
            : Reachability.ProbeAsync(spec.Destination, type.UdpProbe(checkOptions), timeoutSource.Token);

        CheckOutcome outcome;
        var finished = work.IsCompleted || await FinishesInGraceAsync(work, timeoutSource.Token, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (finished)
        {
            outcome = await CompleteAsync(work, type).ConfigureAwait(false);
        }
        else
        {
            _ = work.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            outcome = new CheckOutcome([new SubCheckResult(type.Name, false, Stopwatch.GetElapsedTime(started).TotalMilliseconds, Failures.Words(TransportFailure.TimedOut))]) { Failure = TransportFailure.TimedOut };
        }

        if (timeoutSource.IsCancellationRequested && outcome.Failure == TransportFailure.TimedOut)
        {
            outcome = outcome with { Steps = outcome.Steps.Select(s => s.Passed ? s : s with { Message = $"timed out after {timeout.TotalSeconds:0.###}s" }).ToArray() };
        }

        var secrets = Redaction.SecretsOf(checkOptions);
        // What the report shows anyway: a secret inside these (a URL's ?wrong) is not a value of its own.
        string[] shown = secrets.Count == 0 ? [] : [spec.Name, .. spec.PatternNames, .. outcome.Steps.Select(s => s.Name)];
        var result = new CheckResult
        {
            CheckId = spec.Id,
            Name = spec.Name,
            Type = type.Name,
            Destination = spec.Destination.ToString(),
            Status = outcome.Passed ? CheckStatus.Ok : CheckStatus.Failed,
            // A passing reachable: false check still says how the path failed.
            Reason = Redaction.Apply(outcome.Reason ?? (spec.Reachable ? null : outcome.Steps[0].Message), secrets, shown),
            DurationMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Zone = vantage.Zone,
            Agent = vantage.Agent,
            SubChecks = secrets.Count == 0 ? outcome.Steps.ToArray() : outcome.Steps.Select(s => s with { Message = Redaction.Apply(s.Message, secrets, shown) }).ToArray(),
            MainStepMs = outcome.MainStepMs,
            CertificateNotAfter = outcome.CertificateNotAfter,
        };
        return Thresholds.Apply(spec, result, options.Clock.GetUtcNow());
    }

    private static async Task<string?> RefusalAsync(Allowlist allowlist, Destination destination, CancellationToken cancellationToken)
    {
        try
        {
            return await allowlist.RefusalAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return $"refused by agent allowlist: could not resolve {destination.Host} in time to check it";
        }
    }

    // False when the work is still running AbandonGrace after its timeout fired. The grace timer
    // starts only once the timeout (or the run's end) has fired, so a check that finishes in time
    // costs no timer beyond its own timeout, and no task besides the WaitAsync.
    private static async Task<bool> FinishesInGraceAsync(Task work, CancellationToken timedOut, CancellationToken runEnded)
    {
        await work.WaitAsync(timedOut).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (work.IsCompleted || runEnded.IsCancellationRequested)
        {
            return work.IsCompleted;
        }

        await work.WaitAsync(AbandonGrace, runEnded).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return work.IsCompleted;
    }

    private static async Task<CheckOutcome> CompleteAsync(Task<CheckOutcome> work, ICheckType type)
    {
        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A check type that throws instead of returning a failed step still yields a result.
            return new CheckOutcome([new SubCheckResult(type.Name, false, 0, Failures.Describe(ex))]) { Failure = Failures.OfStep(ex) };
        }
    }
}
