namespace ConnCheck.Checks.Engine;

/// <summary>Keeps secret field values out of every message a check produces, whatever a driver echoes.</summary>
public static class Redaction
{
    public const string Mask = "***";

    public static IReadOnlyList<string> SecretsOf(ICheckType type, CheckFields fields)
    {
        var secrets = new List<string>();
        foreach (var field in type.Fields.Where(f => f.Secret))
        {
            if (field.Kind == FieldKind.Credentials)
            {
                secrets.AddRange(fields.StringList(field.Name).Skip(1));
            }
            else if (field.Kind == FieldKind.StringMap)
            {
                secrets.AddRange(fields.StringMap(field.Name).Select(p => p.Value));
            }
            else if (fields.OptionalString(field.Name) is { } value)
            {
                secrets.Add(value);
            }
        }

        foreach (var url in type.Fields.Where(f => f.Kind == FieldKind.Url).Select(f => fields.OptionalString(f.Name)))
        {
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Split(':', 2) is [_, var password])
            {
                secrets.Add(Uri.UnescapeDataString(password));
                secrets.Add(password);
            }
        }

        // Longest first, so a secret that contains another is masked whole.
        return secrets.Where(s => s.Length > 0).Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    public static string? Apply(string? text, IReadOnlyList<string> secrets)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in secrets)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
