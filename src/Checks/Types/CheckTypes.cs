using ConnCheck.Checks.Engine;

namespace ConnCheck.Checks.Types;

/// <summary>Every check type conn-check knows. A new type is one file in this folder and one line here.</summary>
public static class CheckTypes
{
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
}
