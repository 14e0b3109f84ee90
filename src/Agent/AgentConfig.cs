using Akka.Configuration;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Agent;

/// <summary>The agent's Akka config: shipped agent.hocon, then the command line, then --hocon.</summary>
public static class AgentConfig
{
    public static Config Build(AgentOptions options)
    {
        var seeds = options.Seeds.Select(s => HoconFiles.Quote(AkkaAddress.Normalize(s) ?? throw new ArgumentException($"bad seed address '{s}': expected HOST:PORT")));
        var roles = new[] { "agent", $"zone:{options.Zone}", $"name:{options.Name}" }.Select(HoconFiles.Quote);
        var commandLine = ConfigurationFactory.ParseString($$"""
            akka.remote.dot-netty.tcp.hostname = {{HoconFiles.Quote(options.BindHost)}}
            akka.remote.dot-netty.tcp.port = {{options.BindPort}}
            akka.remote.dot-netty.tcp.public-hostname = {{HoconFiles.Quote(options.AdvertisedHost)}}
            akka.cluster.roles = [{{string.Join(", ", roles)}}]
            akka.cluster.seed-nodes = [{{string.Join(", ", seeds)}}]
            """);
        return HoconFiles.Operator(options.HoconFile)
            .WithFallback(commandLine)
            .WithFallback(HoconFiles.Shipped("agent.hocon"));
    }
}
