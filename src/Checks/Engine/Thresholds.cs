using System.Globalization;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>warn_ms/crit_ms on the main step's latency and cert_warn_days/cert_crit_days on certificate expiry.</summary>
public static class Thresholds
{
    public static CheckResult Apply(CheckSpec spec, CheckResult result, DateTimeOffset now)
    {
        if (result.Status != CheckStatus.Ok)
        {
            return result;
        }

        if (result.MainStepMs is { } ms)
        {
            if (spec.CritMs is { } crit && ms > crit)
            {
                return result with { Status = CheckStatus.Failed, Reason = $"latency {Format(ms)} ms above crit_ms {Format(crit)}" };
            }

            if (spec.WarnMs is { } warn && ms > warn)
            {
                result = result with { Status = CheckStatus.Warning, Reason = $"latency {Format(ms)} ms above warn_ms {Format(warn)}" };
            }
        }

        if (result.CertificateNotAfter is { } notAfter)
        {
            var days = (notAfter - now).TotalDays;
            if (spec.CertCritDays is { } crit && days < crit)
            {
                return result with { Status = CheckStatus.Failed, Reason = $"certificate expires in {Format(days)} days (cert_crit_days {Format(crit)})" };
            }

            if (spec.CertWarnDays is { } warn && days < warn)
            {
                return result with { Status = CheckStatus.Warning, Reason = $"certificate expires in {Format(days)} days (cert_warn_days {Format(warn)})" };
            }
        }

        return result;
    }

    private static string Format(double value) => value.ToString(value < 1 ? "0.###" : "0.#", CultureInfo.InvariantCulture);
}
