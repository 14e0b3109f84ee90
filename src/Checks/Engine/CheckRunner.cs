using System.Diagnostics;
using ConnCheck.Protocol;

namespace ConnCheck.Checks.Engine;

public sealed record RunnerOptions
{
    /// <summary>How many checks may be in flight at once.</summary>
    public int MaxConcurrency { get; init; } = 256;

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
        using var slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        var running = specs.Select(async spec =>
        {
            await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
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
        }).ToList();

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs one check to its result; throws only when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<CheckResult> RunOneAsync(CheckSpec spec, Vantage vantage, CancellationToken cancellationToken)
    {
        var type = registry.Get(spec.Type);
        var fields = new CheckFields(spec.Fields);
        var timeout = spec.TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.DefaultTimeout;
        var context = new CheckContext(timeout, options.Tls) { Allowlist = options.Allowlist };
        var watch = Stopwatch.StartNew();

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var refusal = options.Allowlist is { } allowlist ? await RefusalAsync(allowlist, spec.Destination, timeoutSource.Token).ConfigureAwait(false) : null;
        cancellationToken.ThrowIfCancellationRequested();
        var work = refusal is not null
            ? Task.FromResult(new CheckOutcome([new SubCheckResult(type.Name, false, 0, refusal)]))
            : spec.Reachable
            ? type.RunAsync(fields, context, timeoutSource.Token)
            : Reachability.ProbeAsync(spec.Destination, fields, timeoutSource.Token);

        CheckOutcome outcome;
        var finished = await Task.WhenAny(work, Task.Delay(timeout + AbandonGrace, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (finished == work)
        {
            outcome = await CompleteAsync(work, type).ConfigureAwait(false);
        }
        else
        {
            _ = work.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            outcome = new CheckOutcome([new SubCheckResult(type.Name, false, watch.Elapsed.TotalMilliseconds, Failures.Words(TransportFailure.TimedOut))]);
        }

        if (timeoutSource.IsCancellationRequested)
        {
            outcome = outcome with { Steps = outcome.Steps.Select(s => s.Passed || s.Message != Failures.Words(TransportFailure.TimedOut) ? s : s with { Message = $"timed out after {timeout.TotalSeconds:0.###}s" }).ToArray() };
        }

        var secrets = Redaction.SecretsOf(type, fields);
        var result = new CheckResult
        {
            CheckId = spec.Id,
            Name = spec.Name,
            Type = type.Name,
            Destination = spec.Destination.ToString(),
            Status = outcome.Passed ? CheckStatus.Ok : CheckStatus.Failed,
            // A passing reachable: false check still says how the path failed.
            Reason = Redaction.Apply(outcome.Reason ?? (spec.Reachable ? null : outcome.Steps[0].Message), secrets),
            DurationMs = watch.Elapsed.TotalMilliseconds,
            Zone = vantage.Zone,
            Agent = vantage.Agent,
            SubChecks = outcome.Steps.Select(s => s with { Message = Redaction.Apply(s.Message, secrets) }).ToArray(),
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

    private static async Task<CheckOutcome> CompleteAsync(Task<CheckOutcome> work, ICheckType type)
    {
        try
        {
            return await work.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A check type that throws instead of returning a failed step still yields a result.
            return new CheckOutcome([new SubCheckResult(type.Name, false, 0, Failures.Describe(ex))]);
        }
    }
}
