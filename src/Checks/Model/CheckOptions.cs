namespace ConnCheck.Checks.Model;

/// <summary>
/// The options of one check, parsed and validated once when the config loads: each check type
/// declares one positional record deriving from this (<c>Types/*.cs</c>), whose parameters are the
/// type's fields (<c>Engine/OptionFields.cs</c>). It travels in the <see cref="CheckSpec"/> to the
/// agent, typed (the wire names the record by its check type's name), and may hold secrets.
/// </summary>
public abstract record CheckOptions
{
    /// <summary>Secret values beyond the fields marked secret (a header's token, a URL's password).</summary>
    public virtual IEnumerable<string> SecretValues() => [];

    // The generated ToString would print every option, secrets included.
    public override string ToString() => GetType().Name;
}

/// <summary>The options of a check that connects to <c>host</c> and <c>port</c> (the port as written: null for the type's default).</summary>
public interface IHostPortOptions
{
    string Host { get; }

    int? Port { get; }
}

/// <summary>A <c>[username, password]</c> pair (http auth and digest_auth).</summary>
public sealed record Credentials(string User, string Password)
{
    public override string ToString() => $"Credentials {{ User = {User} }}";
}

/// <summary>A body written as text, or as a mapping sent form-encoded.</summary>
public sealed record TextOrForm(string? Text, IReadOnlyList<KeyValuePair<string, string>>? Form)
{
    public static TextOrForm? Of(object? value) => value switch
    {
        string text => new TextOrForm(text, null),
        IReadOnlyList<KeyValuePair<string, string>> form => new TextOrForm(null, form),
        _ => null,
    };
}
