using System.Text;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ConnCheck.Coordinator.Generate;

/// <summary>
/// Reads a generator's input file as JSON or YAML (<c>juju status --format=yaml</c>, a settings dump as YAML)
/// into one <see cref="JsonElement"/>; YAML scalars become strings, which the generators read leniently.
/// Errors name the position only, never the content.
/// </summary>
public static class StatusDocument
{
    public static JsonElement Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new GenerateException($"{path}: no such file");
        }

        var bytes = File.ReadAllBytes(path);
        var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('{') || text.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                return document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                throw new GenerateException($"{path}: not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})");
            }
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException ex)
        {
            throw new GenerateException($"{path}: not valid JSON or YAML (line {ex.Start.Line}, column {ex.Start.Column})");
        }

        if (stream.Documents.Count == 0)
        {
            throw new GenerateException($"{path}: empty");
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, stream.Documents[0].RootNode);
        }

        using var json = JsonDocument.Parse(buffer.ToArray());
        return json.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode { Value: { } name } ? name : key.ToString());
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" }:
                writer.WriteNullValue();
                break;
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
