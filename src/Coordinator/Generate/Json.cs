using System.Globalization;
using System.Text.Json;

namespace ConnCheck.Coordinator.Generate;

/// <summary>Lenient reads of settings and status JSON, where numbers are often strings and anything may be null.</summary>
internal static class Json
{
    public static JsonElement? Get(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A string, or a number as text; null for null, missing, empty or anything else.</summary>
    public static string? Text(this JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.String } e when e.GetString() is { Length: > 0 } s => s,
        { ValueKind: JsonValueKind.Number } e => e.GetRawText(),
        _ => null,
    };

    public static string? Text(this JsonElement element, string name) => element.Get(name).Text();

    public static int? Int(this JsonElement element, string name) =>
        int.TryParse(element.Text(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static bool Bool(this JsonElement element, string name) => element.Get(name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.String } e => e.GetString() is "1" or "true" or "True" or "yes",
        { ValueKind: JsonValueKind.Number } e => e.GetRawText() != "0",
        _ => false,
    };

    /// <summary>Members of an object, in document order; none for anything else.</summary>
    public static IEnumerable<(string Name, JsonElement Value)> Members(this JsonElement? element) =>
        element is { ValueKind: JsonValueKind.Object } e ? e.EnumerateObject().Select(p => (p.Name, p.Value)) : [];

    /// <summary>A list of strings given as a JSON array, or as one string split on <paramref name="separators"/>.</summary>
    public static IReadOnlyList<string> Strings(this JsonElement? element, params char[] separators) => element switch
    {
        { ValueKind: JsonValueKind.Array } e => e.EnumerateArray().Select(i => ((JsonElement?)i).Text()).OfType<string>().ToList(),
        { ValueKind: JsonValueKind.String } e => (e.GetString() ?? "").Split(separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        _ => [],
    };
}
