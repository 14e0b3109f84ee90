using System.Text;

namespace ConnCheck.Coordinator.Config;

/// <summary>Expands ${VAR} and ${VAR:-default} from the coordinator's environment; $$ is a literal $.</summary>
public sealed class EnvInterpolation(Func<string, string?> lookup)
{
    public static EnvInterpolation FromProcess { get; } = new(Environment.GetEnvironmentVariable);

    /// <summary>Returns the expanded text, or an error message naming what is wrong.</summary>
    public (string? Value, string? Error) Expand(string text)
    {
        if (!text.Contains('$'))
        {
            return (text, null);
        }

        var output = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '$' || i + 1 >= text.Length)
            {
                output.Append(c);
                continue;
            }

            if (text[i + 1] == '$')
            {
                output.Append('$');
                i++;
                continue;
            }

            if (text[i + 1] != '{')
            {
                output.Append(c);
                continue;
            }

            var end = text.IndexOf('}', i + 2);
            if (end < 0)
            {
                return (null, "unterminated ${ in value");
            }

            var body = text[(i + 2)..end];
            var separator = body.IndexOf(":-", StringComparison.Ordinal);
            var name = separator >= 0 ? body[..separator] : body;
            if (name.Length == 0 || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
            {
                return (null, $"bad environment variable reference ${{{body}}}");
            }

            var value = lookup(name);
            if (string.IsNullOrEmpty(value))
            {
                if (separator < 0)
                {
                    return (null, $"environment variable {name} is not set");
                }

                value = body[(separator + 2)..];
            }

            output.Append(value);
            i = end;
        }

        return (output.ToString(), null);
    }
}
