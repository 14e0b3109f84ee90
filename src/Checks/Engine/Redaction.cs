using System.Text;
using System.Text.RegularExpressions;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// Keeps secret values out of every message a check produces, whatever a driver or server echoes:
/// fields marked Secret, passwords in URLs, the Basic form of credentials, HTTP headers that carry
/// credentials (Authorization, Cookie, X-Api-Key, anything named *token*, *secret*, *password*,
/// *key*...) and cookie values, where they stand as values. Secrets of 1 to 3 characters are masked
/// only where they stand alone, so that a password "e" does not turn "expecting" into "***xp***cting".
/// </summary>
public static class Redaction
{
    public const string Mask = "***";

    private const int ShortSecret = 3;

    private static readonly string[] SecretHeaderWords = ["authorization", "cookie", "token", "secret", "password", "passwd", "key", "session", "credential", "signature"];

    /// <summary>The secrets of these fields, as <see cref="SecretsOf(CheckOptions)"/> finds them in the type's options.</summary>
    public static IReadOnlyList<string> SecretsOf(ICheckType type, CheckFields fields) => SecretsOf(type.Parse(fields));

    /// <summary>The values of the fields marked secret, and whatever else the record counts as one.</summary>
    public static IReadOnlyList<string> SecretsOf(CheckOptions? options)
    {
        var values = options is null
            ? []
            : OptionFields.Of(options.GetType()).SecretValues(options).Concat(options.SecretValues()).Where(s => s.Length > 0).ToList();
        // Most checks (tcp, udp, ...) have none: no sort per check on the run path.
        return values.Count == 0
            ? []
            // Longest first, so a secret that contains another is masked whole.
            : values.Distinct().OrderByDescending(s => s.Length).ToArray();
    }

    /// <summary>The password of a [username, password] pair, and the Basic form of the pair.</summary>
    public static IEnumerable<string> OfCredentials(Credentials? credentials) =>
        credentials is null ? [] : [credentials.Password, Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.User}:{credentials.Password}"))];

    /// <summary>Values of headers that carry credentials (all of them for cookies), and a "Bearer abc" token without its scheme.</summary>
    public static IEnumerable<string> OfHeaders(IEnumerable<KeyValuePair<string, string>> headers, bool all = false)
    {
        foreach (var (name, value) in headers)
        {
            if (all || IsSecretHeader(name))
            {
                yield return value;
                // "Bearer abc": servers may echo the token without its scheme.
                if (value.Split(' ', 2, StringSplitOptions.TrimEntries) is [_, { Length: > 0 } credential])
                {
                    yield return credential;
                }
            }
        }
    }

    /// <summary>The password in a URL's user info, as written and unescaped.</summary>
    public static IEnumerable<string> OfUrl(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Split(':', 2) is [_, var password]
            ? [Uri.UnescapeDataString(password), password]
            : [];

    public static bool IsSecretHeader(string name)
    {
        var lower = name.ToLowerInvariant();
        return SecretHeaderWords.Any(w => lower.Contains(w, StringComparison.Ordinal));
    }

    /// <summary>
    /// Masks every secret where it stands as a value. Left alone: a secret inside a longer
    /// <paramref name="publicTexts"/> occurrence (the check's name and URL, which the report shows
    /// anyway: a digest password "wrong" must not turn "http://h/?wrong" into "http://h/?***"), and a
    /// secret that is a word of conn-check's own messages where it stands in prose ("wrong password").
    /// </summary>
    public static string? Apply(string? text, IReadOnlyList<string> secrets, IReadOnlyList<string>? publicTexts = null)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var secret in secrets)
        {
            // As the report may show it: '|' turned to '/', far-end bytes escaped as \xNN.
            foreach (var form in new[] { secret, secret.Replace('|', '/'), FarEndText.Printable(Encoding.UTF8.GetBytes(secret), int.MaxValue) }.Distinct())
            {
                text = MaskOccurrences(text, form, publicTexts ?? []);
                if (form.Length > ShortSecret)
                {
                    text = MaskTruncated(text, form);
                }
            }
        }

        return text;
    }

    private static string MaskOccurrences(string text, string secret, IReadOnlyList<string> publicTexts)
    {
        var shielded = Shielded(text, secret, publicTexts);
        var ownWord = OwnWords.All.Contains(secret);
        var masked = new StringBuilder(text.Length);
        var copied = 0;
        for (var at = text.IndexOf(secret, StringComparison.Ordinal); at >= 0; at = text.IndexOf(secret, at + secret.Length, StringComparison.Ordinal))
        {
            var end = at + secret.Length;
            var before = at == 0 ? (char?)null : text[at - 1];
            var after = end == text.Length ? (char?)null : text[end];
            var standsAlone = !IsWordChar(before) && !IsWordChar(after);
            var keep = shielded.Any(s => s.Start <= at && end <= s.End)
                || (secret.Length <= ShortSecret && !standsAlone)
                || (ownWord && standsAlone && before is null or ' ' && after is null or ' ' or ',' or '.');
            if (!keep)
            {
                masked.Append(text, copied, at - copied).Append(Mask);
                copied = end;
            }
        }

        return copied == 0 ? text : masked.Append(text, copied, text.Length - copied).ToString();
    }

    // Where a longer public text (the check's name, its URL) contains the secret, that occurrence is the public text's.
    private static List<(int Start, int End)> Shielded(string text, string secret, IReadOnlyList<string> publicTexts)
    {
        var spans = new List<(int Start, int End)>();
        foreach (var shown in publicTexts.Where(p => p.Length > secret.Length && p.Contains(secret, StringComparison.Ordinal)))
        {
            for (var at = text.IndexOf(shown, StringComparison.Ordinal); at >= 0; at = text.IndexOf(shown, at + 1, StringComparison.Ordinal))
            {
                spans.Add((at, at + shown.Length));
            }
        }

        return spans;
    }

    private static bool IsWordChar(char? c) => c is { } ch && char.IsLetterOrDigit(ch);

    // Far-end text is cut to a few dozen characters: the start of a secret may end a message, or
    // come just before the closing quote or "..." of a quotation.
    private static string MaskTruncated(string text, string secret)
    {
        for (var length = secret.Length - 1; length > ShortSecret; length--)
        {
            var pattern = Regex.Escape(secret[..length]) + "(?=$|\"|\\.\\.\\.)";
            text = Regex.Replace(text, pattern, Mask, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        return text;
    }
}
