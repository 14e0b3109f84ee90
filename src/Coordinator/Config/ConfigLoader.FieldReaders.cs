using System.Globalization;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Config;

public sealed partial class ConfigLoader
{
    [System.Text.RegularExpressions.GeneratedRegex(@"^([+-]?[0-9]+)\.0*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IntegralFloat();

    /// <summary>Reads one field value of one kind, reporting what is wrong at the value's position.</summary>
    private sealed partial class Reader
    {
        private string? ToText(YamlNode node, string field)
        {
            if (node is not YamlScalar scalar)
            {
                Error(node, $"'{field}' must be a single value, got {node.Kind}");
                return null;
            }

            if (scalar.Value.Length > MaxStringLength)
            {
                Error(node, $"'{field}' is {scalar.Value.Length} characters long; the limit is {MaxStringLength}");
                return null;
            }

            var (value, error) = environment.Expand(scalar.Value);
            if (error is not null)
            {
                Error(node, $"'{field}': {error}");
            }

            return value;
        }

        private string? ToHost(YamlNode node, string field)
        {
            var host = ToText(node, field);
            if (host is null)
            {
                return null;
            }

            if (host.Length == 0 || host.Length > 253 || !IsHostText(host))
            {
                Error(node, $"'{field}' is not a host name or address: {Shown(node, host)}");
                return null;
            }

            // [::1] as in URLs: brackets are for IPv6 literals only, and the check keeps the bare address.
            if (host.StartsWith('['))
            {
                var bare = HostPort.Bare(host);
                if (bare == host || !System.Net.IPAddress.TryParse(bare, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                {
                    Error(node, $"'{field}' is not a host name or address: {Shown(node, host)} (brackets are for IPv6 addresses: [::1])");
                    return null;
                }

                return bare;
            }

            return host;
        }

        private static bool IsHostText(string host)
        {
            foreach (var c in host)
            {
                if (char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' && host[0] != '/')
                {
                    return false;
                }
            }

            return true;
        }

        private int? ToInteger(YamlNode node, string field, long min = int.MinValue, long max = int.MaxValue)
        {
            var text = ToText(node, field);
            if (text is null)
            {
                return null;
            }

            var digits = text.Trim();

            // The original read YAML numbers with Python, where 18080.0 is a fine port.
            if (digits.Contains('.') && IntegralFloat().Match(digits) is { Success: true } integral)
            {
                digits = integral.Groups[1].Value;
            }

            var unsigned = digits.StartsWith('-') || digits.StartsWith('+') ? digits[1..] : digits;
            if (unsigned.Length == 0 || unsigned.AsSpan().ContainsAnyExceptInRange('0', '9'))
            {
                Error(node, $"'{field}' must be a whole number, got {Shown(node, text)}");
                return null;
            }

            // Anything too long for a long is out of range, not "not a number".
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                Error(node, min == int.MinValue && max == int.MaxValue
                    ? $"'{field}' is out of range, got {Shown(node, text)}"
                    : $"'{field}' must be between {min} and {max}, got {Shown(node, text)}");
                return null;
            }

            return (int)value;
        }

        /// <summary>
        /// A value for an error message: quoted and shortened, and never the expansion of a ${VAR}
        /// (it may be a secret), only the reference as written.
        /// </summary>
        private static string Shown(YamlNode node, string value) =>
            node is YamlScalar scalar && scalar.Value != value
                ? $"'{YamlTree.Shorten(scalar.Value)}' (after environment expansion)"
                : $"'{YamlTree.Shorten(value)}'";

        private bool? ToBoolean(YamlNode node, string field)
        {
            var text = ToText(node, field);
            switch (text?.Trim().ToLowerInvariant())
            {
                case null:
                    return null;
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
                default:
                    Error(node, $"'{field}' must be true or false, got {Shown(node, text)}");
                    return null;
            }
        }

        private double? ToPositiveNumber(YamlNode node, string field)
        {
            var text = ToText(node, field);
            if (text is null)
            {
                return null;
            }

            if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0 || value > 1e9)
            {
                Error(node, $"'{field}' must be a positive number, got {Shown(node, text)}");
                return null;
            }

            return value;
        }

        private string? ToUrl(YamlNode node, string field)
        {
            var text = ToText(node, field);
            if (text is null)
            {
                return null;
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            {
                // The URL itself is not echoed: it may carry credentials.
                Error(node, $"'{field}' is not a valid http or https URL");
                return null;
            }

            return text.Trim();
        }

        private IReadOnlyList<string>? ToStringList(YamlNode node, string field)
        {
            switch (node)
            {
                case YamlScalar:
                    return ToText(node, field) is { } single ? [single] : null;
                case YamlSequence sequence:
                    var items = new List<string>();
                    foreach (var item in sequence.Items)
                    {
                        if (ToText(item, field) is { } text)
                        {
                            items.Add(text);
                        }
                    }

                    return items;
                default:
                    Error(node, $"'{field}' must be a value or a list of values, got {node.Kind}");
                    return null;
            }
        }

        private Dictionary<string, string>? ToStringMap(YamlNode node, string field)
        {
            if (node is not YamlMapping mapping)
            {
                Error(node, $"'{field}' must be a mapping of names to values, got {node.Kind}");
                return null;
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in mapping.Entries)
            {
                if (ToText(value, $"{field}.{key.Value}") is { } text)
                {
                    map[key.Value] = text;
                }
            }

            return map;
        }

        private List<KeyValuePair<string, string>>? ToPairs(YamlSequence sequence, string field)
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var item in sequence.Items)
            {
                if (item is not YamlSequence { Items: [var name, var value] })
                {
                    Error(item, $"'{field}' must be a mapping, or a list of [name, value] pairs");
                    return null;
                }

                if (ToText(name, field) is { } key && ToText(value, $"{field}.{key}") is { } text)
                {
                    pairs.Add(new(key, text));
                }
            }

            return pairs;
        }
    }
}
