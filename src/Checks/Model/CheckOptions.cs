namespace ConnCheck.Checks.Model;

/// <summary>
/// The options of one check, parsed and validated once when the config loads: each check type
/// declares one record deriving from this (<c>Types/*.cs</c>). It travels in the <see cref="CheckSpec"/>
/// to the agent, typed (the wire names the record by its check type's name), and may hold secrets.
/// </summary>
public abstract record CheckOptions
{
    /// <summary>The values of these options that must never appear in any output (passwords, credentials).</summary>
    public virtual IEnumerable<string> SecretValues() => [];

    // The generated ToString would print every option, secrets included.
    public override string ToString() => GetType().Name;
}

/// <summary>The options of a check that connects to <c>host</c> and <c>port</c> (the port as written: null for the type's default).</summary>
public abstract record HostPortOptions : CheckOptions
{
    public string Host { get; init; } = "";

    public int? Port { get; init; }
}

/// <summary>Host and port with a <c>username</c> and a secret <c>password</c> (database and service logins).</summary>
public abstract record LoginOptions : HostPortOptions
{
    public string? Username { get; init; }

    public string? Password { get; init; }

    public override IEnumerable<string> SecretValues() => Password is null ? [] : [Password];
}

/// <summary>A <c>[username, password]</c> pair (http auth and digest_auth).</summary>
public sealed record Credentials(string User, string Password)
{
    public override string ToString() => $"Credentials {{ User = {User} }}";
}
