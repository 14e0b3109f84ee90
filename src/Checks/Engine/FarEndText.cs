using System.Globalization;
using System.Text;

namespace ConnCheck.Checks.Engine;

/// <summary>Raw bytes from the far end, made safe to show in a one-line report.</summary>
public static class FarEndText
{
    /// <summary>Bytes from the far end as short printable text: ASCII kept, everything else as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int maxLength = 60)
    {
        var text = Render(bytes, maxLength, static (sb, b) => sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"), escapeQuotes: true);
        return string.Join(' ', text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Far-end bytes as a short quote for a message: ASCII kept, everything else as '.'.</summary>
    public static string Quoted(ReadOnlySpan<byte> bytes, int maxLength = 60) =>
        $"'{Failures.OneLine(Render(bytes, maxLength, static (sb, _) => sb.Append('.'), escapeQuotes: false))}'";

    // The one loop both forms share: printable ASCII kept, CR and LF as spaces, the rest as the caller writes it.
    private static string Render(ReadOnlySpan<byte> bytes, int maxLength, Action<StringBuilder, byte> other, bool escapeQuotes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (text.Length >= maxLength)
            {
                text.Append("...");
                break;
            }

            if (b is >= 0x20 and < 0x7f && !(escapeQuotes && b is (byte)'|' or (byte)'"'))
            {
                text.Append((char)b);
            }
            else if (b is (byte)'\r' or (byte)'\n')
            {
                text.Append(' ');
            }
            else
            {
                other(text, b);
            }
        }

        return text.ToString();
    }
}
