namespace ConnCheck.Checks.Engine;

/// <summary>How the original conn-check named the leaf checks of a composite check.</summary>
public static class OriginalNames
{
    /// <summary>A check whose steps the original prefixed with its own name and a colon (redis, memcache, mongodb, http).</summary>
    public static IReadOnlyList<string> Prefixed(string prefix, params string[] steps) =>
        steps.Select(step => $"{prefix}:{step}").ToArray();
}
