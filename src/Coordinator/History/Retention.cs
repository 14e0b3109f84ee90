using System.Globalization;
using System.Text.RegularExpressions;

namespace ConnCheck.Coordinator.History;

/// <summary>--history-keep: the newest N runs ("500"), or the runs of the last 30d / 12h / 4w ("30d").</summary>
public sealed partial record Retention(int? Runs, TimeSpan? Age)
{
    public const string Default = "30d";

    public const string Rule = "a number of runs (500) or an age: 30d, 12h, 4w";

    public static bool TryParse(string text, out Retention retention)
    {
        retention = new Retention(null, null);
        var match = Shape().Match(text.Trim());
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            return false;
        }

        var unit = match.Groups[2].Value;
        retention = unit.Length == 0
            ? new Retention(n, null)
            : new Retention(null, unit switch { "h" => TimeSpan.FromHours(n), "w" => TimeSpan.FromDays(7.0 * n), _ => TimeSpan.FromDays(n) });
        return retention.Age is not { TotalDays: > 36500 };
    }

    [GeneratedRegex("^([0-9]{1,9})([hdw]?)$", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
