using System.Diagnostics;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>Runs a check's steps in order, stopping at the first failure, like the original's sequential_check.</summary>
public static class Steps
{
    public static async Task<CheckOutcome> RunAsync(CancellationToken cancellationToken, params CheckStep[] steps)
    {
        var results = new List<SubCheckResult>(steps.Length);
        double? mainMs = null;
        var failure = TransportFailure.None;
        DateTimeOffset? notAfter = null;
        var main = steps.FirstOrDefault(s => s.IsMain) ?? steps[^1];

        foreach (var step in steps)
        {
            var watch = Stopwatch.StartNew();
            StepResult result;
            try
            {
                result = await step.Run(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The runner decides whether this was the check's timeout or the end of the run.
                result = StepResult.Fail(TransportFailure.TimedOut);
            }
            catch (Exception ex)
            {
                result = StepResult.Fail(ex);
            }

            var elapsed = watch.Elapsed.TotalMilliseconds;
            results.Add(new SubCheckResult(step.Name, result.Passed, elapsed, result.Message));
            notAfter ??= result.CertificateNotAfter;
            if (ReferenceEquals(step, main))
            {
                mainMs = elapsed;
            }

            if (!result.Passed)
            {
                failure = result.Failure;
                break;
            }
        }

        return new CheckOutcome(results, mainMs, notAfter) { Failure = failure };
    }
}
