using System.Text;
using System.Text.Json;
using ConnCheck.Coordinator.Config;

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

        YamlNode? root;
        try
        {
            root = YamlTree.Load(bytes, path);
        }
        catch (ConfigException ex)
        {
            var error = ex.Errors[0];
            throw new GenerateException($"{path}: not valid JSON or YAML (line {error.Line}, column {error.Column}: {error.Message})");
        }

        if (root is null)
        {
            throw new GenerateException($"{path}: empty");
        }

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, root);
        }

        using var json = JsonDocument.Parse(buffer.ToArray());
        return json.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMapping mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Entries)
                {
                    writer.WritePropertyName(key.Value);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequence sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalar { IsNull: true }:
                writer.WriteNullValue();
                break;
            case YamlScalar scalar:
                writer.WriteStringValue(scalar.Value);
                break;
        }
    }
}
