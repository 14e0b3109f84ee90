using System.Globalization;
using System.Text;

namespace ConnCheck.Checks.Engine;

/// <summary>Raw bytes from the far end, made safe to show in a one-line report.</summary>
public static class FarEndText
{
    /// <summary>Bytes from the far end as short printable text: ASCII kept, everything else as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes, int maxLength = 60)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (text.Length >= maxLength)
            {
                text.Append("...");
                break;
            }

            if (b is >= 0x20 and < 0x7f && b != (byte)'|' && b != (byte)'"')
            {
                text.Append((char)b);
            }
            else if (b is (byte)'\r' or (byte)'\n')
            {
                text.Append(' ');
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return string.Join(' ', text.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
