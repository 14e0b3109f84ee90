using System.Text;
using System.Text.Unicode;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ConnCheck.Coordinator.Config;

/// <summary>A YAML node with the position it started at.</summary>
public abstract record YamlNode(int Line, int Column)
{
    public abstract string Kind { get; }
}

public sealed record YamlScalar(string Value, bool Plain, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Kind => "a scalar";

    /// <summary>A plain ~, null or empty scalar.</summary>
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";
}

public sealed record YamlSequence(IReadOnlyList<YamlNode> Items, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Kind => "a list";
}

public sealed record YamlMapping(IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries, int Line, int Column) : YamlNode(Line, Column)
{
    public override string Kind => "a mapping";

    public YamlNode? this[string key]
    {
        get
        {
            // A loop, not LINQ: the loader asks every check's mapping several times (10,000 checks and more).
            for (var i = 0; i < Entries.Count; i++)
            {
                if (Entries[i].Key.Value == key)
                {
                    return Entries[i].Value;
                }
            }

            return null;
        }
    }
}

/// <summary>
/// Reads YAML into <see cref="YamlNode"/>s, keeping positions for error messages and refusing what a
/// config never needs: duplicate keys, non-scalar keys, several documents, deep nesting and alias bombs.
/// </summary>
public static class YamlTree
{
    public const int MaxDepth = 64;
    /// <summary>Nodes that aliases may add: far more than any real config repeats, far less than a bomb.</summary>
    public const int MaxExpandedNodes = 100_000;

    /// <summary>Nodes written out in the file: some 75,000 checks fit, and a 10 MB list is refused in a second.</summary>
    public const int MaxNodes = 1_000_000;
    public const int MaxFileBytes = 16 * 1024 * 1024;

    public static YamlNode? Load(byte[] bytes, string file)
    {
        if (bytes.Length > MaxFileBytes)
        {
            throw ConfigException.At(file, 1, 1, $"config file is {bytes.Length / 1024 / 1024} MiB; the limit is {MaxFileBytes / 1024 / 1024} MiB");
        }

        var text = DecodeUtf8(bytes, file);
        return YamlSubsetReader.TryRead(text) ?? LoadWithYamlDotNet(text, file);
    }

    /// <summary>The tree as YamlDotNet reads it: every document the fast reader declines, and every YAML error.</summary>
    internal static YamlNode? LoadWithYamlDotNet(string text, string file)
    {
        var builder = new Builder(file);
        try
        {
            return builder.Build(new Parser(new StringReader(text)));
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up on some malformed input with a bare InvalidOperationException.
            throw ConfigException.At(file, builder.LastLine, builder.LastColumn, "invalid YAML: cannot be read past this point");
        }
        catch (YamlException ex)
        {
            var hint = text.Contains('\t') && ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) ? " (indent YAML with spaces, not tabs)" : "";
            throw ConfigException.At(file, (int)Math.Max(1, ex.Start.Line), (int)Math.Max(1, ex.Start.Column), "invalid YAML: " + Clean(ex.Message) + hint);
        }
    }

    internal static string DecodeUtf8(byte[] bytes, string file)
    {
        var span = bytes.AsSpan();
        if (span.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }))
        {
            span = span[3..];
        }

        // The common case decodes once, with no char[] the size of the file beside the string.
        if (Utf8.IsValid(span))
        {
            return Encoding.UTF8.GetString(span);
        }

        var chars = new char[span.Length];
        var status = Utf8.ToUtf16(span, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
        {
            var before = span[..read];
            var line = before.Count((byte)'\n') + 1;
            var column = read - (before.LastIndexOf((byte)'\n') + 1) + 1;
            throw ConfigException.At(file, line, column, "config is not valid UTF-8");
        }

        return new string(chars, 0, written);
    }

    // YamlDotNet messages start with "(Line: 1, Col: 2, Idx: 1) - (Line: ...): "; we print our own position.
    private static string Clean(string message)
    {
        var index = message.LastIndexOf("): ", StringComparison.Ordinal);
        return index >= 0 && message.StartsWith('(') ? message[(index + 3)..] : message;
    }

    private sealed class Builder(string file)
    {
        private readonly Dictionary<string, (YamlNode Node, long Size)> anchors = new(StringComparer.Ordinal);
        private long expanded;
        private long written;

        /// <summary>Where the last YAML event read ended, for errors the parser reports without a position.</summary>
        public int LastLine { get; private set; } = 1;

        public int LastColumn { get; private set; } = 1;

        public YamlNode? Build(IParser parser)
        {
            parser.Consume<StreamStart>();
            if (parser.TryConsume<StreamEnd>(out _))
            {
                return null;
            }

            parser.Consume<DocumentStart>();
            var root = Read(parser, 0).Node;
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                throw Error(second.Start, "a config holds one YAML document; found a second one");
            }

            return root;
        }

        private (YamlNode Node, long Size) Read(IParser parser, int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error(parser.Current!.Start, $"nesting is deeper than {MaxDepth} levels");
            }

            var current = parser.Current ?? throw new InvalidOperationException("unexpected end of YAML");
            (LastLine, LastColumn) = (Line(current.End), Column(current.End));
            (YamlNode Node, long Size) result;
            switch (current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!anchors.TryGetValue(alias.Value.Value, out result))
                    {
                        throw Error(alias.Start, $"unknown alias *{alias.Value.Value}");
                    }

                    CountAlias(result.Size, alias.Start);
                    return result;

                case Scalar scalar:
                    parser.MoveNext();
                    result = (new YamlScalar(scalar.Value, scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty, Line(scalar.Start), Column(scalar.Start)), 1);
                    Count(1, scalar.Start);
                    Remember(scalar.Anchor, result);
                    return result;

                case SequenceStart start:
                    parser.MoveNext();
                    var items = new List<YamlNode>();
                    long size = 1;
                    while (!parser.TryConsume<SequenceEnd>(out _))
                    {
                        var item = Read(parser, depth + 1);
                        items.Add(item.Node);
                        size += item.Size;
                    }

                    Count(1, start.Start);
                    result = (new YamlSequence(items, Line(start.Start), Column(start.Start)), size);
                    Remember(start.Anchor, result);
                    return result;

                case MappingStart start:
                    parser.MoveNext();
                    var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
                    Dictionary<string, YamlScalar>? index = null;
                    List<(YamlNode Source, YamlScalar At)>? merged = null;
                    long mappingSize = 1;
                    while (!parser.TryConsume<MappingEnd>(out _))
                    {
                        var keyEvent = parser.Current!;
                        var (keyNode, _) = Read(parser, depth + 1);
                        if (keyNode is not YamlScalar key)
                        {
                            throw Error(keyEvent.Start, "mapping keys must be plain names");
                        }

                        var (value, valueSize) = Read(parser, depth + 1);
                        mappingSize += valueSize + 1;
                        if (key is { Plain: true, Value: "<<" })
                        {
                            (merged ??= []).Add((value, key));
                            continue;
                        }

                        if (Find(entries, ref index, key.Value) is { } first)
                        {
                            throw new ConfigException([new ConfigError(file, key.Line, key.Column, $"duplicate key '{Shorten(key.Value)}' (first at line {first.Line})")]);
                        }

                        entries.Add(new(key, value));
                        index?.Add(key.Value, key);
                    }

                    // Keys written in the mapping itself win over merged ones, wherever the << is.
                    foreach (var (source, at) in merged ?? [])
                    {
                        Merge(entries, ref index, source, at);
                    }

                    Count(1, start.Start);
                    result = (new YamlMapping(entries, Line(start.Start), Column(start.Start)), mappingSize);
                    Remember(start.Anchor, result);
                    return result;

                default:
                    throw Error(current.Start, $"unexpected YAML {current.GetType().Name}");
            }
        }

        // "<<: *base" merges the keys of another mapping that this one does not set itself.
        private void Merge(List<KeyValuePair<YamlScalar, YamlNode>> entries, ref Dictionary<string, YamlScalar>? index, YamlNode value, YamlScalar at)
        {
            var sources = value switch
            {
                YamlMapping m => [m],
                YamlSequence s when s.Items.All(i => i is YamlMapping) => s.Items.Cast<YamlMapping>().ToList(),
                _ => throw new ConfigException([new ConfigError(file, at.Line, at.Column, "'<<' merges a mapping or a list of mappings")]),
            };
            foreach (var entry in sources.SelectMany(m => m.Entries))
            {
                if (Find(entries, ref index, entry.Key.Value) is null)
                {
                    entries.Add(entry);
                    index?.Add(entry.Key.Value, entry.Key);
                }
            }
        }

        // A check's mapping has a handful of keys: a linear search, not a dictionary per mapping
        // (10,000 checks are 10,000 mappings); a long mapping gets its index once it grows.
        private static YamlScalar? Find(List<KeyValuePair<YamlScalar, YamlNode>> entries, ref Dictionary<string, YamlScalar>? index, string key)
        {
            if (index is null && entries.Count > 8)
            {
                index = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
                foreach (var entry in entries)
                {
                    index.Add(entry.Key.Value, entry.Key);
                }
            }

            if (index is not null)
            {
                return index.GetValueOrDefault(key);
            }

            foreach (var entry in entries)
            {
                if (entry.Key.Value == key)
                {
                    return entry.Key;
                }
            }

            return null;
        }

        private void Remember(AnchorName anchor, (YamlNode, long) node)
        {
            if (!anchor.IsEmpty)
            {
                anchors[anchor.Value] = node;
            }
        }

        private void CountAlias(long nodes, Mark at)
        {
            expanded += nodes;
            if (expanded > MaxExpandedNodes)
            {
                throw Error(at, $"YAML expands to more than {MaxExpandedNodes} nodes (alias bomb?)");
            }
        }

        private void Count(long nodes, Mark at)
        {
            written += nodes;
            if (written > MaxNodes)
            {
                throw Error(at, $"YAML has more than {MaxNodes} nodes");
            }
        }

        private ConfigException Error(Mark mark, string message) => ConfigException.At(file, Line(mark), Column(mark), message);

        private static int Line(Mark mark) => (int)Math.Max(1, mark.Line);

        private static int Column(Mark mark) => (int)Math.Max(1, mark.Column);
    }

    /// <summary>Config text for a message: one line, at most <paramref name="max"/> characters.</summary>
    public static string Shorten(string text, int max = 40)
    {
        var shown = text.Length <= max ? text : text[..max] + "...";
        return shown.Any(char.IsControl) ? new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray()) : shown;
    }
}
