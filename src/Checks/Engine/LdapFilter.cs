using System.Formats.Asn1;
using System.Globalization;
using System.Text;

namespace ConnCheck.Checks.Engine;

/// <summary>RFC 4515 string filters to their BER form (RFC 4511 4.5.1.7); extensible match is not supported.</summary>
internal sealed class LdapFilter(string text)
{
    private int at;

    public void WriteTo(AsnWriter writer)
    {
        var filter = text.Trim();
        if (filter.Length > 0 && filter[0] != '(')
        {
            filter = $"({filter})";
        }

        var parser = new LdapFilter(filter);
        parser.Filter(writer);
        if (parser.at != filter.Length)
        {
            throw parser.Error("text after the end of the filter");
        }
    }

    private void Filter(AsnWriter w)
    {
        Expect('(');
        var c = Peek();
        if (c is '&' or '|')
        {
            at++;
            using (w.PushSetOf(new Asn1Tag(TagClass.ContextSpecific, c == '&' ? 0 : 1, isConstructed: true)))
            {
                while (Peek() == '(')
                {
                    Filter(w);
                }
            }
        }
        else if (c == '!')
        {
            at++;
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, isConstructed: true)))
            {
                Filter(w);
            }
        }
        else
        {
            Item(w);
        }

        Expect(')');
    }

    private void Item(AsnWriter w)
    {
        var start = at;
        while (at < text.Length && (char.IsAsciiLetterOrDigit(text[at]) || text[at] is '-' or '.' or ';'))
        {
            at++;
        }

        var attribute = text[start..at];
        if (attribute.Length == 0)
        {
            throw Error("an attribute name");
        }

        var op = Peek() switch
        {
            '=' => 3,
            '>' => 5,
            '<' => 6,
            '~' => 8,
            ':' => throw Error("no extensible match (:=): this check does not support it"),
            _ => throw Error("'=', '>=', '<=' or '~='"),
        };
        at += op == 3 ? 1 : 2;
        if (op != 3 && text[at - 1] != '=')
        {
            throw Error("'=' after '>', '<' or '~'");
        }

        var end = text.IndexOf(')', at);
        if (end < 0)
        {
            at = text.Length;
            throw Error("')'");
        }

        var value = text[at..end];
        at = end;
        var parts = value.Split('*');
        if (op != 3 || parts.Length == 1)
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, op, isConstructed: true)))
            {
                w.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
                w.WriteOctetString(Unescape(value));
            }
        }
        else if (value == "*")
        {
            w.WriteOctetString(Encoding.UTF8.GetBytes(attribute), new Asn1Tag(TagClass.ContextSpecific, 7));
        }
        else
        {
            using (w.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
            {
                w.WriteOctetString(Encoding.UTF8.GetBytes(attribute));
                using (w.PushSequence())
                {
                    for (var i = 0; i < parts.Length; i++)
                    {
                        if (parts[i].Length == 0)
                        {
                            continue;
                        }

                        var kind = i == 0 ? 0 : i == parts.Length - 1 ? 2 : 1;
                        w.WriteOctetString(Unescape(parts[i]), new Asn1Tag(TagClass.ContextSpecific, kind));
                    }
                }
            }
        }
    }

    private byte[] Unescape(string value)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                if (value.Length - i < 3 || !byte.TryParse(value.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b))
                {
                    throw Error("two hex digits after '\\'");
                }

                bytes.Add(b);
                i += 2;
            }
            else if (value[i] is '(' or ')')
            {
                throw Error($"'{value[i]}' escaped as \\28 or \\29");
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(value[i].ToString()));
            }
        }

        return [.. bytes];
    }

    private char Peek() => at < text.Length ? text[at] : '\0';

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error($"'{c}'");
        }

        at++;
    }

    private FormatException Error(string expected) =>
        new(expected.StartsWith("no ", StringComparison.Ordinal) || expected.StartsWith("text ", StringComparison.Ordinal)
            ? $"invalid LDAP filter '{text}' at position {at + 1}: {expected}"
            : $"invalid LDAP filter '{text}' at position {at + 1}: expected {expected}");
}
