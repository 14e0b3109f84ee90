using System.Buffers;

namespace ConnCheck.Coordinator.Config;

/// <summary>
/// Reads the part of YAML that conn-check configs are written in into the same <see cref="YamlNode"/> tree,
/// positions included, as <see cref="YamlTree"/>'s YamlDotNet path, or returns null for the whole document.
/// </summary>
/// <remarks>
/// YamlDotNet stays the reader of record: it reads every document this one declines and reports every error.
/// This one exists because YamlDotNet's character-at-a-time scanner (and its JIT) was most of the time spent
/// loading a 10,000-check file. It covers block mappings and sequences (the compact "- key: v" form and
/// sequences not indented under their key), one-line flow mappings and sequences of scalars, one-line plain
/// and quoted scalars, comments, blank lines and a leading "---". It declines anything else (tags, anchors,
/// aliases, merge keys, block scalars, multi-line scalars, complex keys, tabs, directives, several documents,
/// odd indentation, duplicate keys, the node and depth limits) and anything it is not sure YamlDotNet reads
/// the same way.
/// </remarks>
internal sealed class YamlSubsetReader
{
    // Longer keys are not simple keys for YamlDotNet (its 1024-character limit); leave them to it.
    private const int MaxKeyLength = 1000;

    // Characters that cannot start a plain scalar (YAML 1.1 indicators).
    private static readonly SearchValues<char> Indicators = SearchValues.Create("-?:,[]{}#&*!|>'\"%@`");

    private static readonly SearchValues<char> FlowIndicators = SearchValues.Create(",[]{}");

    // Where a plain scalar may end: ": ", " #" and, in a flow collection, its indicators. Searched for
    // with IndexOfAny, so most characters are skipped by vectorised code (even before our code is optimised).
    private static readonly SearchValues<char> BlockStops = SearchValues.Create(": ");

    private static readonly SearchValues<char> FlowStops = SearchValues.Create(": ,[]{}");

    private static readonly SearchValues<char> DoubleQuoteOrEscape = SearchValues.Create("\"\\");

    private readonly string text;
    private int nextLine;       // index of the first character of the line after the current one
    private int nextLineNumber = 1;
    private int line;           // the current line's number, 1-based
    private int lineStart;      // index of its first character
    private int lineEnd;        // index of its line break (or the end of the text)
    private int indent;         // spaces before its first content character
    private int pos;            // the next character to read on it
    private bool atEnd;         // no content line is left
    private bool declined;      // something past the current line is outside the subset
    private int nodes;

    private YamlSubsetReader(string text) => this.text = text;

    /// <summary>The document's tree, or null when the text is outside the subset (or has no content).</summary>
    public static YamlNode? TryRead(string text)
    {
        if (!OnlyPlainCharacters(text))
        {
            return null;
        }

        var reader = new YamlSubsetReader(text);
        if (!reader.NextContentLine(documentStartAllowed: true))
        {
            return null;
        }

        if (reader.IsDocumentMarker(reader.pos))
        {
            reader.pos += 3;
            if (!reader.RestOfLineIsBlank() || !reader.NextContentLine())
            {
                return null;
            }
        }

        var root = reader.ReadBlock(depth: 0);
        return root is not null && reader.atEnd && !reader.declined ? root : null;
    }

    // Line breaks are \n or \r\n; no tabs, no control characters, no other YAML line breaks (NEL, LS, PS),
    // no byte-order mark inside and no surrogates (YamlDotNet's printable set, less what is in doubt).
    private static bool OnlyPlainCharacters(string text)
    {
        var span = text.AsSpan();
        var offset = 0;
        while (true)
        {
            var found = span[offset..].IndexOfAnyExceptInRange(' ', '~');
            if (found < 0)
            {
                return true;
            }

            var i = offset + found;
            var c = span[i];
            var allowed = c == '\n'
                || (c == '\r' && i + 1 < span.Length && span[i + 1] == '\n')
                || (c is >= '\u00A0' and <= '\uD7FF' && c is not '\u2028' and not '\u2029')
                || (c is >= '\uE000' and <= '\uFFFD' && c != '\uFEFF');
            if (!allowed)
            {
                return false;
            }

            offset = i + 1;
        }
    }

    /// <summary>Moves to the next line with content (not blank, not only a comment); false at the end or on a decline.</summary>
    private bool NextContentLine(bool documentStartAllowed = false)
    {
        while (nextLine < text.Length)
        {
            var start = nextLine;
            var newline = text.IndexOf('\n', start);
            var end = newline < 0 ? text.Length : newline;
            nextLine = newline < 0 ? text.Length : newline + 1;
            var number = nextLineNumber++;
            if (end > start && text[end - 1] == '\r')
            {
                end--;
            }

            var first = start;
            while (first < end && text[first] == ' ')
            {
                first++;
            }

            if (first == end || text[first] == '#')
            {
                continue;
            }

            (line, lineStart, lineEnd, indent, pos) = (number, start, end, first - start, first);
            if (IsDocumentMarker(first) && !(documentStartAllowed && text[first] == '-'))
            {
                declined = true;
                break;
            }

            return true;
        }

        atEnd = true;
        return false;
    }

    // "---" or "..." at the start of a line, followed by a blank or the line's end.
    private bool IsDocumentMarker(int at) =>
        at == lineStart
        && at + 3 <= lineEnd
        && text[at] is '-' or '.'
        && text[at + 1] == text[at]
        && text[at + 2] == text[at]
        && (at + 3 == lineEnd || text[at + 3] == ' ');

    private int Column => pos - lineStart + 1;

    private bool AtSequenceEntry => text[pos] == '-' && (pos + 1 == lineEnd || text[pos + 1] == ' ');

    /// <summary>A block mapping or sequence starting at the current position (the first content of a line, or after "- ").</summary>
    private YamlNode? ReadBlock(int depth) => AtSequenceEntry ? ReadSequence(depth) : ReadMapping(depth);

    private YamlNode? ReadMapping(int depth)
    {
        if (depth >= YamlTree.MaxDepth)
        {
            return null;
        }

        var column = pos - lineStart;
        var (startLine, startColumn) = (line, Column);
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>(4);
        HashSet<string>? keys = null;
        while (true)
        {
            var key = ReadKey();
            if (key is null || key.Value == "<<" || IsDuplicate(entries, ref keys, key.Value))
            {
                return null;
            }

            var value = ReadValue(column, depth + 1, line, Column, mappingValue: true);
            if (value is null || !Count(1))
            {
                return null;
            }

            entries.Add(new(key, value));
            if (atEnd || indent < column)
            {
                break;
            }

            // Deeper is a continuation line or odd indentation; "- " at the mapping's column is YAML's error.
            if (indent > column || AtSequenceEntry)
            {
                return null;
            }
        }

        return Count(1) ? new YamlMapping(entries, startLine, startColumn) : null;
    }

    private YamlNode? ReadSequence(int depth)
    {
        if (depth >= YamlTree.MaxDepth)
        {
            return null;
        }

        var column = pos - lineStart;
        var (startLine, startColumn) = (line, Column);
        var items = new List<YamlNode>();
        while (true)
        {
            // An empty entry is at the end of its '-'.
            pos++;
            var item = ReadValue(column, depth + 1, line, Column, mappingValue: false);
            if (item is null)
            {
                return null;
            }

            items.Add(item);

            // A line at the same column that is not an entry ends the sequence: the key after a sequence
            // not indented under its own key, or YAML's error, which the parent declines.
            if (atEnd || indent < column || (indent == column && !AtSequenceEntry))
            {
                break;
            }

            if (indent > column)
            {
                return null;
            }
        }

        return Count(1) ? new YamlSequence(items, startLine, startColumn) : null;
    }

    /// <summary>
    /// The value after a key's ':' or a sequence's '-' at <paramref name="parentColumn"/> (0-based), up to the next
    /// content line outside it. An empty value is a plain "" at (<paramref name="emptyLine"/>, <paramref name="emptyColumn"/>).
    /// </summary>
    private YamlNode? ReadValue(int parentColumn, int depth, int emptyLine, int emptyColumn, bool mappingValue)
    {
        SkipSpaces();
        if (pos == lineEnd || text[pos] == '#')
        {
            if (!NextContentLine() || indent < parentColumn)
            {
                return declined || !Count(1) ? null : new YamlScalar("", true, emptyLine, emptyColumn);
            }

            if (indent > parentColumn)
            {
                return ReadBlock(depth);
            }

            if (mappingValue && AtSequenceEntry)
            {
                return ReadSequence(depth);
            }

            return Count(1) ? new YamlScalar("", true, emptyLine, emptyColumn) : null;
        }

        if (depth >= YamlTree.MaxDepth)
        {
            return null;
        }

        if (!mappingValue && StartsKey())
        {
            return ReadMapping(depth);
        }

        var node = text[pos] switch
        {
            '{' => ReadFlowMapping(depth),
            '[' => ReadFlowSequence(depth),
            '\'' or '"' => ReadQuoted(),
            _ => ReadPlain(flow: false),
        };
        if (node is null || !RestOfLineIsBlank() || (node is YamlScalar && !Count(1)))
        {
            return null;
        }

        // Anything deeper on the next content line would continue the scalar (or be an error).
        NextContentLine();
        return atEnd || indent <= parentColumn ? node : null;
    }

    /// <summary>Whether a key (and its ':') starts at the current position; the position does not move.</summary>
    private bool StartsKey()
    {
        var start = pos;
        var key = ReadKey();
        pos = start;
        return key is not null;
    }

    /// <summary>A one-line key followed by ':' and a space or the line's end; the position moves past the ':'.</summary>
    private YamlScalar? ReadKey()
    {
        YamlScalar? key;
        if (text[pos] is '\'' or '"')
        {
            key = ReadQuoted();
        }
        else
        {
            if (!PlainStarts())
            {
                return null;
            }

            var end = pos;
            while ((end = NextOf(BlockStops, end)) < lineEnd)
            {
                if (text[end] == ':' ? end + 1 == lineEnd || text[end + 1] == ' ' : end + 1 < lineEnd && text[end + 1] == '#')
                {
                    break;
                }

                end++;
            }

            if (end < lineEnd && text[end] == ' ')
            {
                return null;
            }

            // "key : value" is valid YAML, but not worth being unsure of.
            if (end == lineEnd || text[end - 1] == ' ')
            {
                return null;
            }

            key = new YamlScalar(text[pos..end], true, line, Column);
            pos = end;
        }

        if (key is null || key.Value.Length > MaxKeyLength || pos == lineEnd || text[pos] != ':' || (pos + 1 < lineEnd && text[pos + 1] != ' '))
        {
            return null;
        }

        pos++;
        return key;
    }

    /// <summary>
    /// A plain scalar to the end of the line or a " #" comment (block context), or to a flow indicator
    /// or ": " (flow context). Null for what a block value cannot hold (": " or a ':' at its end).
    /// </summary>
    private YamlScalar? ReadPlain(bool flow)
    {
        if (!PlainStarts())
        {
            return null;
        }

        var start = pos;
        var end = pos;
        while ((end = NextOf(flow ? FlowStops : BlockStops, end)) < lineEnd)
        {
            var c = text[end];
            if (c == ':')
            {
                if (end + 1 == lineEnd || text[end + 1] == ' ' || (flow && FlowIndicators.Contains(text[end + 1])))
                {
                    if (!flow)
                    {
                        return null;
                    }

                    break;
                }
            }
            else if (c == ' ')
            {
                if (end + 1 < lineEnd && text[end + 1] == '#')
                {
                    // A comment inside a flow collection is valid YAML, but rare enough to leave to YamlDotNet.
                    if (flow)
                    {
                        return null;
                    }

                    break;
                }
            }
            else
            {
                break;
            }

            end++;
        }

        pos = end;
        while (end > start && text[end - 1] == ' ')
        {
            end--;
        }

        return new YamlScalar(text[start..end], true, line, start - lineStart + 1);
    }

    // Not an indicator, except '-' before a letter or digit ("-5"); YamlDotNet allows more, which is left to it.
    private bool PlainStarts()
    {
        var c = text[pos];
        if (c == ' ')
        {
            return false;
        }

        if (!Indicators.Contains(c))
        {
            return true;
        }

        return c == '-' && pos + 1 < lineEnd && char.IsAsciiLetterOrDigit(text[pos + 1]);
    }

    /// <summary>A single- or double-quoted scalar closed on its line; null for escapes other than the common ones.</summary>
    private YamlScalar? ReadQuoted()
    {
        var quote = text[pos];
        var (startLine, startColumn) = (line, Column);
        var i = pos + 1;
        System.Text.StringBuilder? built = null;
        var runStart = i;
        while (true)
        {
            var found = quote == '\'' ? text.AsSpan(i, lineEnd - i).IndexOf('\'') : text.AsSpan(i, lineEnd - i).IndexOfAny(DoubleQuoteOrEscape);
            if (found < 0)
            {
                return null;
            }

            var stop = i + found;

            if (quote == '\'' && stop + 1 < lineEnd && text[stop + 1] == '\'')
            {
                (built ??= new()).Append(text, runStart, stop + 1 - runStart);
                i = runStart = stop + 2;
                continue;
            }

            if (text[stop] == '\\')
            {
                if (stop + 1 == lineEnd)
                {
                    return null;
                }

                char? escaped = text[stop + 1] switch
                {
                    '\\' => '\\',
                    '"' => '"',
                    '/' => '/',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => null,
                };
                if (escaped is null)
                {
                    return null;
                }

                (built ??= new()).Append(text, runStart, stop - runStart).Append(escaped.Value);
                i = runStart = stop + 2;
                continue;
            }

            var value = built is null ? text[runStart..stop] : built.Append(text, runStart, stop - runStart).ToString();
            pos = stop + 1;
            return new YamlScalar(value, false, startLine, startColumn);
        }
    }

    private YamlNode? ReadFlowMapping(int depth)
    {
        if (depth >= YamlTree.MaxDepth)
        {
            return null;
        }

        var (startLine, startColumn) = (line, Column);
        pos++;
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>(4);
        HashSet<string>? keys = null;
        SkipSpaces();
        if (pos < lineEnd && text[pos] == '}')
        {
            pos++;
            return Count(1) ? new YamlMapping(entries, startLine, startColumn) : null;
        }

        while (true)
        {
            var key = pos < lineEnd && text[pos] is '{' or '[' ? null : ReadFlowNode(depth + 1) as YamlScalar;
            if (key is null || pos == lineEnd || text[pos] != ':' || pos + 1 == lineEnd || text[pos + 1] != ' ')
            {
                return null;
            }

            if (key.Value.Length > MaxKeyLength || key.Value == "<<" || IsDuplicate(entries, ref keys, key.Value))
            {
                return null;
            }

            pos++;
            SkipSpaces();
            var value = ReadFlowNode(depth + 1);
            if (value is null)
            {
                return null;
            }

            entries.Add(new(key, value));
            if (!FlowNext('}', out var closed))
            {
                return null;
            }

            if (closed)
            {
                return Count(1) ? new YamlMapping(entries, startLine, startColumn) : null;
            }
        }
    }

    private YamlNode? ReadFlowSequence(int depth)
    {
        if (depth >= YamlTree.MaxDepth)
        {
            return null;
        }

        var (startLine, startColumn) = (line, Column);
        pos++;
        var items = new List<YamlNode>();
        SkipSpaces();
        if (pos < lineEnd && text[pos] == ']')
        {
            pos++;
            return Count(1) ? new YamlSequence(items, startLine, startColumn) : null;
        }

        while (true)
        {
            var item = ReadFlowNode(depth + 1);
            if (item is null)
            {
                return null;
            }

            items.Add(item);
            if (!FlowNext(']', out var closed))
            {
                return null;
            }

            if (closed)
            {
                return Count(1) ? new YamlSequence(items, startLine, startColumn) : null;
            }
        }
    }

    /// <summary>After an entry of a flow collection: ", " and another entry, or the closing bracket.</summary>
    private bool FlowNext(char close, out bool closed)
    {
        SkipSpaces();
        closed = false;
        if (pos == lineEnd)
        {
            return false;
        }

        if (text[pos] == close)
        {
            pos++;
            closed = true;
            return true;
        }

        if (text[pos] != ',')
        {
            return false;
        }

        pos++;
        SkipSpaces();

        // A trailing comma is valid YAML; rare, so it is left to YamlDotNet.
        return pos < lineEnd && text[pos] != close;
    }

    /// <summary>An entry of a flow collection: a scalar or a flow collection closed on the same line.</summary>
    private YamlNode? ReadFlowNode(int depth)
    {
        if (pos == lineEnd)
        {
            return null;
        }

        var node = text[pos] switch
        {
            '{' => ReadFlowMapping(depth),
            '[' => ReadFlowSequence(depth),
            '\'' or '"' => ReadQuoted(),
            _ => ReadPlain(flow: true),
        };
        return node is YamlScalar && !Count(1) ? null : node;
    }

    /// <summary>The index of the first of <paramref name="stops"/> on the line from <paramref name="from"/>, or the line's end.</summary>
    private int NextOf(SearchValues<char> stops, int from)
    {
        var found = text.AsSpan(from, lineEnd - from).IndexOfAny(stops);
        return found < 0 ? lineEnd : from + found;
    }

    private void SkipSpaces()
    {
        while (pos < lineEnd && text[pos] == ' ')
        {
            pos++;
        }
    }

    /// <summary>Only spaces, then the line's end or a comment (after at least one space).</summary>
    private bool RestOfLineIsBlank()
    {
        var start = pos;
        SkipSpaces();
        return pos == lineEnd || (text[pos] == '#' && pos > start);
    }

    private static bool IsDuplicate(List<KeyValuePair<YamlScalar, YamlNode>> entries, ref HashSet<string>? keys, string key)
    {
        if (keys is null && entries.Count >= 8)
        {
            keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                keys.Add(entry.Key.Value);
            }
        }

        if (keys is not null)
        {
            return !keys.Add(key);
        }

        foreach (var entry in entries)
        {
            if (entry.Key.Value == key)
            {
                return true;
            }
        }

        return false;
    }

    private bool Count(int added)
    {
        nodes += added;
        return nodes <= YamlTree.MaxNodes;
    }
}
