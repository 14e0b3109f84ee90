using System.Globalization;
using System.Text;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

/// <summary>
/// Per-result performance data in the Nagios plugin format <c>'label'=value[UOM];[warn];[crit];[min];[max]</c>:
/// the label is the result's report label, the value the latency of the check's main step in ms, warn/crit
/// its warn_ms/crit_ms, min 0.
/// </summary>
public static class Perfdata
{
    /// <summary>Results that have a latency worth graphing: those that ran to an answer.</summary>
    public static bool Has(CheckResult result) => result.Status is CheckStatus.Ok or CheckStatus.Warning or CheckStatus.Failed;

    public static string For(CheckResult result, CheckSpec? check)
    {
        var value = result.MainStepMs ?? result.DurationMs;
        return $"'{Label(result.Label)}'={Number(value)}ms;{Number(check?.WarnMs)};{Number(check?.CritMs)};0";
    }

    /// <summary>The guidelines allow any character in a label except '=' and the quote; '|' and line breaks would end the section.</summary>
    public static string Label(string text)
    {
        var label = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            label.Append(c is '=' or '\'' or '|' || char.IsControl(c) ? '_' : c);
        }

        return label.ToString();
    }

    private static string Number(double? value) => value is { } v ? Math.Max(0, v).ToString("0.###", CultureInfo.InvariantCulture) : "";
}
