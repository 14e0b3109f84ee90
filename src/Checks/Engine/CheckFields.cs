using System.Text.Json;

namespace ConnCheck.Checks.Engine;

/// <summary>Typed read access to a check's validated fields.</summary>
public sealed class CheckFields(IReadOnlyDictionary<string, JsonElement> values)
{
    public IReadOnlyDictionary<string, JsonElement> Values { get; } = values;

    public bool Has(string name) => Values.TryGetValue(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public string String(string name) =>
        OptionalString(name) ?? throw new InvalidOperationException($"field '{name}' is required");

    public string? OptionalString(string name) =>
        Values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public string String(string name, string fallback) => OptionalString(name) ?? fallback;

    public int Int(string name, int fallback) =>
        Values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : fallback;

    public double? Double(string name) =>
        Values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    public bool Bool(string name, bool fallback) =>
        Values.TryGetValue(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? v.GetBoolean()
            : fallback;

    public IReadOnlyList<string> StringList(string name) =>
        Values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.GetString() ?? "").ToArray()
            : [];

    /// <summary>A mapping, or the original's list of [name, value] pairs (names may repeat), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StringMap(string name) =>
        !Values.TryGetValue(name, out var v) ? []
        : v.ValueKind == JsonValueKind.Object ? v.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")).ToArray()
        : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString() ?? "", p[1].GetString() ?? "")).ToArray()
        : [];

    public (string User, string Password)? Credentials(string name)
    {
        var pair = StringList(name);
        return pair.Count == 2 ? (pair[0], pair[1]) : null;
    }

    /// <summary>
    /// These fields as an agent in <paramref name="zone"/> uses them: the <c>zones:</c> override for
    /// that zone, where there is one, replaces the fields it sets.
    /// </summary>
    public CheckFields ForZone(string zone)
    {
        if (!Values.TryGetValue("zones", out var zones) || zones.ValueKind != JsonValueKind.Object || !zones.TryGetProperty(zone, out var own))
        {
            return this;
        }

        var merged = Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        foreach (var field in own.EnumerateObject())
        {
            merged[field.Name] = field.Value;
        }

        return new CheckFields(merged);
    }

    public override string ToString() => $"CheckFields({string.Join(", ", Values.Keys)})";
}
