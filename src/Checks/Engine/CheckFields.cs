using System.Text.Json;

namespace ConnCheck.Checks.Engine;

/// <summary>
/// A check's fields as the config loader read them, each already of its <see cref="FieldKind"/>'s
/// value type (string, int, double, bool, a list of strings, a list of name/value pairs, or per-zone
/// fields): what <see cref="ICheckType.Parse"/> reads once, at load time, into the type's options.
/// </summary>
public sealed class CheckFields(IReadOnlyDictionary<string, object> values)
{
    /// <summary>Fields given as JSON values (tests, tools).</summary>
    public CheckFields(IReadOnlyDictionary<string, JsonElement> values)
        : this(values.Where(v => v.Value.ValueKind != JsonValueKind.Null).ToDictionary(v => v.Key, v => FromJson(v.Value), StringComparer.Ordinal))
    {
    }

    public IReadOnlyDictionary<string, object> Values { get; } = values;

    public bool Has(string name) => Values.ContainsKey(name);

    public string String(string name) =>
        OptionalString(name) ?? throw new InvalidOperationException($"field '{name}' is required");

    public string? OptionalString(string name) => Values.GetValueOrDefault(name) as string;

    public string String(string name, string fallback) => OptionalString(name) ?? fallback;

    public int? OptionalInt(string name) => Values.GetValueOrDefault(name) is int value ? value : null;

    public int Int(string name, int fallback) => OptionalInt(name) ?? fallback;

    public double? Double(string name) => Values.GetValueOrDefault(name) switch
    {
        double value => value,
        int value => value,
        _ => null,
    };

    public bool? OptionalBool(string name) => Values.GetValueOrDefault(name) is bool value ? value : null;

    public bool Bool(string name, bool fallback) => OptionalBool(name) ?? fallback;

    public IReadOnlyList<string> StringList(string name) => OptionalStringList(name) ?? [];

    public IReadOnlyList<string>? OptionalStringList(string name) => Values.GetValueOrDefault(name) as IReadOnlyList<string>;

    /// <summary>A mapping, or the original's list of [name, value] pairs (names may repeat), in order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StringMap(string name) =>
        Values.GetValueOrDefault(name) as IReadOnlyList<KeyValuePair<string, string>> ?? [];

    public Model.Credentials? Credentials(string name) =>
        OptionalStringList(name) is [var user, var password] ? new Model.Credentials(user, password) : null;

    /// <summary>The zones a <see cref="FieldKind.ZoneOverrides"/> field names, with the fields each sets.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> ZoneOverrides(string name) =>
        Values.GetValueOrDefault(name) as IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>> ?? new Dictionary<string, IReadOnlyDictionary<string, object>>();

    /// <summary>
    /// These fields as an agent in <paramref name="zone"/> uses them: the override for that zone in
    /// <paramref name="overrides"/>, where there is one, replaces the fields it sets.
    /// </summary>
    public CheckFields ForZone(string overrides, string zone)
    {
        if (!ZoneOverrides(overrides).TryGetValue(zone, out var own))
        {
            return this;
        }

        var merged = Values.ToDictionary(v => v.Key, v => v.Value, StringComparer.Ordinal);
        foreach (var (field, value) in own)
        {
            merged[field] = value;
        }

        return new CheckFields(merged);
    }

    public override string ToString() => $"CheckFields({string.Join(", ", Values.Keys)})";

    private static object FromJson(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number when value.TryGetInt32(out var integer) => integer,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.Array when value.GetArrayLength() > 0 && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Array) =>
            value.EnumerateArray().Select(p => new KeyValuePair<string, string>(p[0].GetString() ?? "", p[1].GetString() ?? "")).ToArray(),
        JsonValueKind.Array => value.EnumerateArray().Select(e => e.GetString() ?? "").ToArray(),
        JsonValueKind.Object when value.EnumerateObject().All(p => p.Value.ValueKind == JsonValueKind.Object) && value.EnumerateObject().Any() =>
            value.EnumerateObject().ToDictionary(p => p.Name, p => (IReadOnlyDictionary<string, object>)p.Value.EnumerateObject().ToDictionary(f => f.Name, f => FromJson(f.Value))),
        JsonValueKind.Object => value.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString() ?? "")).ToArray(),
        _ => throw new ArgumentException($"no field value of JSON kind {value.ValueKind}"),
    };
}
