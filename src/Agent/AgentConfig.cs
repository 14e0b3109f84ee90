using Akka.Configuration;
using ConnCheck.Checks.Engine;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Agent;

/// <summary>The agent's Akka config: shipped agent.hocon, then the command line, then --hocon.</summary>
public static class AgentConfig
{
    public static Config Build(AgentOptions options)
    {
        var operatorConfig = HoconFiles.Operator(options.HoconFile);
        var shipped = HoconFiles.Shipped("agent.hocon");
        var secure = TransportSecurity.IsEnabled(operatorConfig.WithFallback(shipped));
        var seeds = options.Seeds.Select(s => HoconFiles.Quote(AkkaAddress.Normalize(s, secure) ?? throw new ArgumentException($"bad seed address '{s}': expected HOST:PORT")));
        var roles = new[] { "agent", $"zone:{options.Zone}", $"name:{options.Name}" }.Select(HoconFiles.Quote);
        var commandLine = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = {{HoconFiles.Quote(options.BindHost)}}
            akka.remote.dot-netty.tcp.port = {{options.BindPort}}
            akka.remote.dot-netty.tcp.public-hostname = {{HoconFiles.Quote(options.AdvertisedHost)}}
            akka.cluster.roles = [{{string.Join(", ", roles)}}]
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds)}}]
            """);
        return operatorConfig
            .WithFallback(commandLine)
            .WithFallback(shipped);
    }

    /// <summary>conn-check.agent.allow plus --allow; null when both are empty (any destination).</summary>
    public static Allowlist? Allowlist(Config config, AgentOptions options)
    {
        var entries = config.GetStringList("conn-check.agent.allow", []).Concat(options.Allow).ToArray();
        try
        {
            return entries.Length == 0 ? null : Checks.Engine.Allowlist.Parse(entries);
        }
        catch (FormatException ex)
        {
            throw new ArgumentException(ex.Message, ex);
        }
    }
}
