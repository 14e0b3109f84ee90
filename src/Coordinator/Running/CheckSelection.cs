using System.Text.RegularExpressions;
using ConnCheck.Protocol;

namespace ConnCheck.Coordinator.Running;

/// <summary>Which checks a run includes: name patterns (globs with * and ?) and tag filters, as in the original.</summary>
public sealed class CheckSelection(IReadOnlyList<string> patterns, IReadOnlyList<string> includeTags, IReadOnlyList<string> excludeTags)
{
    private readonly Regex[] globs = patterns.Select(Glob).ToArray();

    public static CheckSelection All { get; } = new([], [], []);

    public bool Includes(CheckSpec check)
    {
        if (globs.Length > 0 && !globs.Any(g => g.IsMatch(check.Name)))
        {
            return false;
        }

        if (includeTags.Count > 0 && !check.Tags.Any(includeTags.Contains))
        {
            return false;
        }

        return !check.Tags.Any(excludeTags.Contains);
    }

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
}
