using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace ConnCheck.Coordinator.Config;

/// <summary>
/// The one way conn-check writes YAML (generated configs, export-fw files): YamlDotNet's serializer, which
/// quotes whatever would not read back as the same string, in YAML 1.2 and in the YAML 1.1 of the original's
/// readers (a vhost "1", a user "yes" or "on", an address "::1"). Lists of
/// numbers are written on one line (<c>ports: [80, 443]</c>), as the original's export-fw files have them.
/// </summary>
public static partial class YamlWriter
{
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .WithEventEmitter(next => new ForOriginalReaders(next))
        .Build();

    /// <summary><paramref name="comments"/> as '#' lines (one line each), then <paramref name="document"/> (dictionaries, lists, scalars).</summary>
    public static string Write(object document, IEnumerable<string> comments)
    {
        var text = new StringWriter { NewLine = "\n" };
        foreach (var comment in comments)
        {
            text.Write("# ");
            text.Write(comment.ReplaceLineEndings(" "));
            text.Write('\n');
        }

        Serializer.Serialize(text, document);
        return text.ToString();
    }

    private sealed partial class ForOriginalReaders(IEventEmitter next) : ChainedEventEmitter(next)
    {
        // YAML 1.1 readers (the original's PyYAML) take 1:20 for a base-60 number (and so an IPv6 literal of digits
        // only) and 2026-12-01 for a date, which YamlDotNet writes bare; they also refuse a tab in a plain scalar.
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is string text && (HexWithColons().IsMatch(text) || Timestamp().IsMatch(text) || text.Any(char.IsControl)))
            {
                eventInfo.Style = ScalarStyle.DoubleQuoted;
            }

            base.Emit(eventInfo, emitter);
        }

        [GeneratedRegex("^[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*$")]
        private static partial Regex HexWithColons();

        [GeneratedRegex("^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")]
        private static partial Regex Timestamp();

        public override void Emit(SequenceStartEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is IEnumerable<int>)
            {
                eventInfo.Style = SequenceStyle.Flow;
            }

            base.Emit(eventInfo, emitter);
        }
    }
}
