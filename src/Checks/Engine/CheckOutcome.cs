using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>What a check observed: its steps in order, stopping at the first failure.</summary>
public sealed record CheckOutcome(IReadOnlyList<SubCheckResult> Steps, double? MainStepMs = null, DateTimeOffset? CertificateNotAfter = null)
{
    /// <summary>How the failing step's transport failed, when it is known (Other when not).</summary>
    public TransportFailure Failure { get; init; } = TransportFailure.Other;

    public bool Passed => Steps.Count > 0 && Steps.All(s => s.Passed);

    /// <summary>The failing step's message, prefixed by its name when the check has several steps.</summary>
    public string? Reason
    {
        get
        {
            var failed = Steps.FirstOrDefault(s => !s.Passed);
            if (failed is null)
            {
                return null;
            }

            return Steps.Count > 1 || failed.Message is null ? $"{failed.Name}: {failed.Message ?? "failed"}" : failed.Message;
        }
    }
}

/// <summary>Result of one step; a step may also report the certificate it saw.</summary>
public sealed record StepResult(bool Passed, string? Message = null, DateTimeOffset? CertificateNotAfter = null)
{
    /// <summary>How the step's transport failed: None when it passed, Other when the words are the far end's.</summary>
    public TransportFailure Failure { get; init; } = Passed ? TransportFailure.None : TransportFailure.Other;

    public static StepResult Ok(string? message = null) => new(true, message);

    public static StepResult Fail(string message) => new(false, message);

    public static StepResult Fail(TransportFailure failure) => new(false, Failures.Words(failure)) { Failure = failure };

    public static StepResult Fail(Exception exception) => new(false, Failures.Describe(exception)) { Failure = Failures.OfStep(exception) };
}

/// <summary>A named step of a check. The main step is the one latency thresholds apply to.</summary>
public sealed record CheckStep(string Name, Func<CancellationToken, Task<StepResult>> Run, bool IsMain = false);
