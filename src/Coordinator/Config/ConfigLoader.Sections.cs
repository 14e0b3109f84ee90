using ConnCheck.Checks.Engine;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Config;

public sealed partial class ConfigLoader
{
    /// <summary>The top-level sections: zones, agents and defaults.</summary>
    private sealed partial class Reader
    {
        private Dictionary<string, ZoneSpec> ReadZones(YamlNode? node)
        {
            var zones = new Dictionary<string, ZoneSpec>(StringComparer.Ordinal);
            if (node is null or YamlScalar { IsNull: true })
            {
                return zones;
            }

            if (node is not YamlMapping mapping)
            {
                Error(node, $"'zones' must be a mapping of zone names, got {node.Kind}");
                return zones;
            }

            foreach (var (key, value) in mapping.Entries)
            {
                if (!IsZoneName(key.Value))
                {
                    Error(key, $"bad zone name '{YamlTree.Shorten(key.Value)}': use letters, digits, '-', '_' and '.'");
                    continue;
                }

                var minAgents = 1;
                var seeds = new List<string>();
                if (value is YamlMapping settings)
                {
                    foreach (var (settingKey, settingValue) in settings.Entries)
                    {
                        switch (settingKey.Value)
                        {
                            case "min_agents":
                                minAgents = ToInteger(settingValue, "min_agents", 0, 10_000) ?? minAgents;
                                break;
                            case "seeds":
                                seeds.AddRange(ToAgentAddresses(settingValue, "seeds"));
                                break;
                            default:
                                Error(settingKey, $"unknown zone setting '{YamlTree.Shorten(settingKey.Value)}'{Suggest(settingKey.Value, ["min_agents", "seeds"])}; expected min_agents, seeds");
                                break;
                        }
                    }
                }
                else if (value is not YamlScalar { IsNull: true })
                {
                    Error(value, $"zone '{key.Value}' must be a mapping such as {{ min_agents: 2, seeds: [HOST:PORT] }}, got {value.Kind}");
                }

                zones[key.Value] = new ZoneSpec(key.Value, minAgents, seeds);
            }

            return zones;
        }

        private AgentSources ReadAgents(YamlNode? node)
        {
            if (node is null or YamlScalar { IsNull: true })
            {
                return AgentSources.None;
            }

            if (node is not YamlMapping mapping)
            {
                Error(node, $"'agents' must be a mapping with 'seeds' and/or 'static', got {node.Kind}");
                return AgentSources.None;
            }

            var seeds = new List<string>();
            var statics = new List<StaticAgent>();
            foreach (var (key, value) in mapping.Entries)
            {
                switch (key.Value)
                {
                    case "seeds":
                        seeds.AddRange(ToAgentAddresses(value, "seeds"));
                        break;
                    case "static" when value is YamlMapping byZone:
                        foreach (var (zone, addresses) in byZone.Entries)
                        {
                            statics.AddRange((ToStringList(addresses, zone.Value) ?? []).Select(a => new StaticAgent(zone.Value, a)));
                        }

                        break;
                    case "static":
                        Error(value, "'static' must map zone names to agent addresses (HOST:PORT)");
                        break;
                    default:
                        Error(key, $"unknown agents setting '{YamlTree.Shorten(key.Value)}'; expected seeds, static");
                        break;
                }
            }

            return new AgentSources(seeds, statics);
        }

        /// <summary>A list of agent addresses (HOST:PORT, [v6]:PORT or an akka address); a bad one is an error at its position.</summary>
        private List<string> ToAgentAddresses(YamlNode node, string what)
        {
            var addresses = new List<string>();
            foreach (var item in node is YamlSequence sequence ? sequence.Items : [node])
            {
                if (ToStringList(item, what) is not [var text])
                {
                    continue;
                }

                if (AkkaAddress.Normalize(text) is null)
                {
                    Error(item, $"bad agent address '{YamlTree.Shorten(text)}' in {what}: expected HOST:PORT");
                    continue;
                }

                addresses.Add(text);
            }

            return addresses;
        }

        private YamlMapping? ReadDefaults(YamlNode? node)
        {
            if (node is null or YamlScalar { IsNull: true })
            {
                return null;
            }

            if (node is not YamlMapping mapping)
            {
                Error(node, $"'defaults' must be a mapping of check fields, got {node.Kind}");
                return null;
            }

            var known = registry.Types.SelectMany(t => t.Fields).Concat(CommonFields.All).Select(f => f.Name).Concat(OriginalFields.Names(registry)).ToHashSet();
            foreach (var (key, _) in mapping.Entries)
            {
                if (key.Value == "type" || !known.Contains(key.Value))
                {
                    Error(key, $"'{YamlTree.Shorten(key.Value)}' is not a field any check type can take as a default{Suggest(key.Value, known)}");
                }
            }

            return mapping;
        }

        private static bool IsZoneName(string name) =>
            name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
    }
}
