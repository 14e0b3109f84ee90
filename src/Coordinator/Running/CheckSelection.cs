using System.Text.RegularExpressions;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Running;

/// <summary>
/// Which checks a run includes, as in the original: name patterns (globs where only * is a wildcard)
/// matched against a check's name and the names of its steps, and tag filters.
/// </summary>
public sealed class CheckSelection(IReadOnlyList<string> patterns, IReadOnlyList<string> includeTags, IReadOnlyList<string> excludeTags)
{
    private readonly Regex[] globs = patterns.Select(Glob).ToArray();

    public static CheckSelection All { get; } = new([], [], []);

    /// <summary>True when patterns or tags were given, so selecting nothing is a mistake to report.</summary>
    public bool IsRestricted => patterns.Count > 0 || includeTags.Count > 0 || excludeTags.Count > 0;

    public bool Includes(CheckSpec check)
    {
        var names = check.PatternNames.Count > 0 ? check.PatternNames : [check.Name];
        if (globs.Length > 0 && !globs.Any(g => names.Any(g.IsMatch)))
        {
            return false;
        }

        if (includeTags.Count > 0 && !check.Tags.Any(includeTags.Contains))
        {
            return false;
        }

        return !check.Tags.Any(excludeTags.Contains);
    }

    /// <summary>The UNKNOWN reason of a run whose selection left no check: "no check matched 'tcp*' --include-tags db".</summary>
    public string NothingSelected()
    {
        var parts = patterns.Select(p => $"'{p}'").ToList();
        if (includeTags.Count > 0)
        {
            parts.Add($"--include-tags {string.Join(',', includeTags)}");
        }

        if (excludeTags.Count > 0)
        {
            parts.Add($"--exclude-tags {string.Join(',', excludeTags)}");
        }

        return $"no check matched {string.Join(' ', parts)}";
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*") + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
