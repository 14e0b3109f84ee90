namespace ConnCheck.Checks.Engine;

public enum FieldKind
{
    String,

    /// <summary>A host name or address (or, where a type allows it, a unix socket path).</summary>
    Host,
    Integer,
    Port,
    Boolean,
    Seconds,
    Url,
    StringList,
    /// <summary>A mapping of names to values, or a list of [name, value] pairs as the original also took.</summary>
    StringMap,

    /// <summary>Text, or a mapping sent form-encoded (what the original's HTTP library did with a dict).</summary>
    TextOrForm,

    /// <summary>A [username, password] pair, as the original's http auth and digest_auth.</summary>
    Credentials,

    /// <summary>
    /// zone name → some of the type's own fields (<see cref="ICheckType.ZoneOverridable"/>), which an
    /// agent in that zone uses instead of the check's own (<see cref="CheckFields.ForZone"/>; the run gets them as <c>CheckSpec.ZoneOptions</c>).
    /// </summary>
    ZoneOverrides,
}

/// <summary>A field a check type accepts. Secret fields are redacted from every message.</summary>
public sealed record FieldSpec(string Name, FieldKind Kind, bool Required = false, bool Secret = false);

/// <summary>Fields every check type accepts, handled by the config loader and the runner.</summary>
public static class CommonFields
{
    public static readonly IReadOnlyList<FieldSpec> All =
    [
        new("type", FieldKind.String, Required: true),
        new("name", FieldKind.String),

        // Documentation only, as the original's configs used it.
        new("description", FieldKind.String),
        new("from", FieldKind.StringList),
        new("on", FieldKind.String),
        new("tags", FieldKind.StringList),
        new("timeout", FieldKind.Seconds),
        new("reachable", FieldKind.Boolean),
        new("warn_ms", FieldKind.Seconds),
        new("crit_ms", FieldKind.Seconds),
        new("cert_warn_days", FieldKind.Seconds),
        new("cert_crit_days", FieldKind.Seconds),
    ];
}
