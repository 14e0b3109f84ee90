using ConnCheck.Checks.Engine;

namespace ConnCheck.Coordinator.Config;

/// <summary>What a field spelled the way an older conn-check accepted it stands for today.</summary>
public abstract record OriginalField(string Name);

/// <summary>An older name of a field; <paramref name="Inverted"/> when the old boolean meant the opposite.</summary>
public sealed record RenamedField(string Name, string CurrentName, bool Inverted) : OriginalField(Name);

/// <summary>A field the original accepted and silently did nothing with: accepted, with a warning.</summary>
public sealed record IgnoredField(string Name, string Why) : OriginalField(Name);

/// <summary>
/// Fields of the Python conn-check (up to 1.3.1) that no longer carry that name, or that it took and
/// ignored. Every other field name is the same as the original's.
/// </summary>
public static class OriginalFields
{
    public static OriginalField? Find(ICheckType type, string name) => name switch
    {
        // 'verify' became 'disable_tls_verification' in 1.0.9 (verify: true == disable_tls_verification: false).
        "verify" when Has(type, "disable_tls_verification") => new RenamedField(name, "disable_tls_verification", Inverted: true),
        "use_ssl" when Has(type, "use_tls") => new RenamedField(name, "use_tls", Inverted: false),
        "password" when type.Name == "memcache" => new IgnoredField(name, "memcached's text protocol has no authentication; the original ignored it too"),
        _ => null,
    };

    // Asked for every field of every check: a loop, no closure (10,000 checks).
    private static bool Has(ICheckType type, string field)
    {
        foreach (var spec in type.Fields)
        {
            if (spec.Name == field)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every old name some check type accepts, for the fields 'defaults' may set.</summary>
    public static IEnumerable<string> Names(CheckRegistry registry) =>
        registry.Types.SelectMany(t => new[] { "verify", "use_ssl", "password" }.Where(n => Find(t, n) is not null)).Distinct();
}
