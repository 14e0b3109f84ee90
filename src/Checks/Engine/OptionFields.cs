using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>The field must be written (the loader says which one is missing, where).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class RequiredAttribute : Attribute;

/// <summary>The field's value is masked in every message (<see cref="OptionFields.SecretValues"/>).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class SecretAttribute : Attribute;

/// <summary>The field's kind where its CLR type does not tell it (a host, a port, a URL).</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class KindAttribute(FieldKind kind) : Attribute
{
    public FieldKind Kind { get; } = kind;
}

/// <summary>
/// A check type's fields, read from its positional options record: each constructor parameter is one
/// field, named in snake_case (<c>DisableTlsVerification</c> is <c>disable_tls_verification</c>), in
/// the order written, of the kind its type says (string, int?, bool?, a list of strings, a list of
/// name/value pairs, <see cref="Credentials"/>, <see cref="TextOrForm"/>) unless <see cref="KindAttribute"/>
/// says otherwise, and <see cref="RequiredAttribute"/> or <see cref="SecretAttribute"/> where marked.
/// Read once per record type (<see cref="CheckType{TOptions}"/> keeps it in a static), not per check.
/// </summary>
public sealed class OptionFields
{
    private static readonly ConcurrentDictionary<Type, OptionFields> ByType = new();

    private readonly ConstructorInvoker constructor;
    private readonly Func<CheckFields, object?>[] readers;
    private readonly Func<CheckOptions, IEnumerable<string>>[] secrets;

    private OptionFields(Type type)
    {
        var primary = type.GetConstructors() is [var only] ? only : throw new InvalidOperationException($"{type.Name} must be a positional record with one public constructor");
        var parameters = primary.GetParameters();
        constructor = ConstructorInvoker.Create(primary);
        Specs = parameters.Select(Spec).ToArray();
        readers = Specs.Select((spec, i) => Reader(spec, parameters[i].ParameterType)).ToArray();
        secrets = parameters.Where((_, i) => Specs[i].Secret).Select(Secret).ToArray();
    }

    public IReadOnlyList<FieldSpec> Specs { get; }

    public static OptionFields Of(Type type) => ByType.GetOrAdd(type, t => new OptionFields(t));

    /// <summary>
    /// The record from fields the loader has type-checked: an unset field is null (a list of pairs,
    /// empty; a required text that hand-built fields leave out, "").
    /// </summary>
    public CheckOptions Parse(CheckFields fields)
    {
        var arguments = new object?[readers.Length];
        for (var i = 0; i < readers.Length; i++)
        {
            arguments[i] = readers[i](fields);
        }

        return (CheckOptions)constructor.Invoke(arguments);
    }

    /// <summary>The values of the fields marked secret (a credentials pair: its password and Basic form).</summary>
    public IEnumerable<string> SecretValues(CheckOptions options) => secrets.SelectMany(secret => secret(options));

    private static FieldSpec Spec(ParameterInfo parameter)
    {
        var attributes = parameter.GetCustomAttributes(inherit: false);
        return new FieldSpec(
            JsonNamingPolicy.SnakeCaseLower.ConvertName(parameter.Name!),
            attributes.OfType<KindAttribute>().FirstOrDefault()?.Kind ?? KindOf(parameter.ParameterType),
            Required: attributes.OfType<RequiredAttribute>().Any(),
            Secret: attributes.OfType<SecretAttribute>().Any());
    }

    private static FieldKind KindOf(Type type) => (Nullable.GetUnderlyingType(type) ?? type) switch
    {
        var t when t == typeof(string) => FieldKind.String,
        var t when t == typeof(int) => FieldKind.Integer,
        var t when t == typeof(bool) => FieldKind.Boolean,
        var t when t == typeof(IReadOnlyList<string>) => FieldKind.StringList,
        var t when t == typeof(IReadOnlyList<KeyValuePair<string, string>>) => FieldKind.StringMap,
        var t when t == typeof(Credentials) => FieldKind.Credentials,
        var t when t == typeof(TextOrForm) => FieldKind.TextOrForm,
        var t => throw new InvalidOperationException($"no field kind for {t.Name}: add a [Kind] or a case here"),
    };

    private static Func<CheckFields, object?> Reader(FieldSpec spec, Type type)
    {
        var name = spec.Name;
        return KindOf(type) switch
        {
            FieldKind.String => spec.Required ? f => f.String(name, "") : f => f.OptionalString(name),
            FieldKind.Integer => f => f.OptionalInt(name),
            FieldKind.Boolean => f => f.OptionalBool(name),
            FieldKind.StringList => f => f.OptionalStringList(name),
            FieldKind.StringMap => f => f.StringMap(name),
            FieldKind.Credentials => f => f.Credentials(name),
            _ => f => TextOrForm.Of(f.Values.GetValueOrDefault(name)),
        };
    }

    private static Func<CheckOptions, IEnumerable<string>> Secret(ParameterInfo parameter)
    {
        var property = parameter.Member.DeclaringType!.GetProperty(parameter.Name!)!;
        return options => property.GetValue(options) switch
        {
            string text => [text],
            Credentials credentials => Redaction.OfCredentials(credentials),
            _ => [],
        };
    }
}
