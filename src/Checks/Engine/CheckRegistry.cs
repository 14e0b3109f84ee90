using ConnCheck.Checks.Types;

namespace ConnCheck.Checks.Engine;

/// <summary>Every check type by name and alias.</summary>
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

    public static CheckRegistry Default { get; } = new(
    [
        new TcpCheck(),
        new TlsCheck(),
        new UdpCheck(),
        new HttpCheck(),
        new PostgresCheck(),
        new MySqlCheck(),
        new MongoDbCheck(),
        new RedisCheck(),
        new MemcacheCheck(),
        new AmqpCheck(),
        new SmtpCheck(),
        new DnsCheck(),
        new SshCheck(),
        new GrpcCheck(),
        new LdapCheck(),
    ]);

    public IReadOnlyList<ICheckType> Types => types;

    public IEnumerable<string> Names => byName.Keys.Order(StringComparer.Ordinal);

    public ICheckType? Find(string name) => byName.GetValueOrDefault(name);

    public ICheckType Get(string name) => Find(name) ?? throw new ArgumentException($"unknown check type '{name}'", nameof(name));
}
