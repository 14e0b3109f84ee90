using System.Buffers;
using System.Text.Json;

namespace ConnCheck.Coordinator.Config;

/// <summary>
/// Builds the <see cref="JsonElement"/> field values of a check with a plain writer: no serializer
/// metadata to build at start-up (JsonSerializer's first call costs tens of milliseconds).
/// </summary>
internal static class JsonValues
{
    public static JsonElement Of(string value) => Write(value, static (w, v) => w.WriteStringValue(v));

    public static JsonElement Of(int value) => Write(value, static (w, v) => w.WriteNumberValue(v));

    public static JsonElement Of(double value) => Write(value, static (w, v) => w.WriteNumberValue(v));

    public static JsonElement Of(bool value) => Write(value, static (w, v) => w.WriteBooleanValue(v));

    public static JsonElement Of(IReadOnlyList<string> values) => Write(values, static (w, v) =>
    {
        w.WriteStartArray();
        foreach (var item in v)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    });

    public static JsonElement Of(IReadOnlyDictionary<string, string> values) => Write(values, static (w, v) =>
    {
        w.WriteStartObject();
        foreach (var (key, item) in v)
        {
            w.WriteString(key, item);
        }

        w.WriteEndObject();
    });

    public static JsonElement Of(IReadOnlyList<KeyValuePair<string, string>> pairs) => Write(pairs, static (w, v) =>
    {
        w.WriteStartArray();
        foreach (var (key, item) in v)
        {
            w.WriteStartArray();
            w.WriteStringValue(key);
            w.WriteStringValue(item);
            w.WriteEndArray();
        }

        w.WriteEndArray();
    });

    private static JsonElement Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, value);
        }

        var reader = new Utf8JsonReader(buffer.WrittenSpan);
        return JsonElement.ParseValue(ref reader);
    }
}
