using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using ConnCheck.Checks.Model;

namespace ConnCheck.Checks.Engine;

/// <summary>Check types by name and alias; the product's own list is <c>Types/CheckTypes.cs</c>.</summary>
public sealed class CheckRegistry
{
    private readonly Dictionary<string, ICheckType> byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ICheckType> types = [];

    public CheckRegistry(IEnumerable<ICheckType> checkTypes)
    {
        foreach (var type in checkTypes)
        {
            types.Add(type);
            byName.Add(type.Name, type);
            foreach (var alias in type.Aliases)
            {
                byName.Add(alias, type);
            }
        }
    }

    public IReadOnlyList<ICheckType> Types => types;

    public IEnumerable<string> Names => byName.Keys.Order(StringComparer.Ordinal);

    public ICheckType? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>
    /// A System.Text.Json contract modifier that reads and writes <see cref="CheckOptions"/> as the
    /// options record of its check type, named by the type's name: a new type needs no serializer line.
    /// </summary>
    public void AddOptionsTypes(JsonTypeInfo info)
    {
        if (info.Type != typeof(CheckOptions))
        {
            return;
        }

        info.PolymorphismOptions = new JsonPolymorphismOptions { UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization };
        foreach (var type in types)
        {
            info.PolymorphismOptions.DerivedTypes.Add(new JsonDerivedType(type.OptionsType, type.Name));
        }
    }

    public ICheckType Get(string name) => Find(name) ?? throw new ArgumentException($"unknown check type '{name}'", nameof(name));
}
