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

    public ICheckType Get(string name) => Find(name) ?? throw new ArgumentException($"unknown check type '{name}'", nameof(name));
}
