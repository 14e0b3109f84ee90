using System.Globalization;
using YamlWriter = ConnCheck.Coordinator.Config.YamlWriter;
using YamlDotNet.RepresentationModel;

namespace ConnCheck.Coordinator.Firewall;

/// <summary>Reads and writes export-fw files: <c>egress:</c>, a list of {from_host, from_zone, ports, protocol, to_host}.</summary>
public static class EgressYaml
{
    public static string Write(IReadOnlyList<EgressRule> rules, IEnumerable<string> comments)
    {
        var egress = rules.Select(rule =>
        {
            var fields = new Dictionary<string, object>(StringComparer.Ordinal) { ["from_host"] = rule.FromHost };
            if (rule.FromZone is not null)
            {
                fields["from_zone"] = rule.FromZone;
            }

            fields["ports"] = rule.Ports.ToArray();
            fields["protocol"] = rule.Protocol;
            fields["to_host"] = rule.ToHost;
            return fields;
        }).ToList();
        return YamlWriter.Write(new Dictionary<string, object> { ["egress"] = egress }, comments);
    }

    /// <summary>The rules of one file (the original's files, without from_zone, too); errors name the file.</summary>
    public static IReadOnlyList<EgressRule> Read(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException)
        {
            throw new FormatException($"{path}: {ex.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException($"{path}: expected a mapping with an 'egress' list");
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("egress"), out var egress))
        {
            return [];
        }

        if (egress is not YamlSequenceNode list)
        {
            throw new FormatException($"{path}:{egress.Start.Line}: 'egress' must be a list");
        }

        return list.Children.Select(item => ReadRule(path, item)).ToArray();
    }

    private static EgressRule ReadRule(string path, YamlNode node)
    {
        if (node is not YamlMappingNode rule)
        {
            throw new FormatException($"{path}:{node.Start.Line}: each egress rule must be a mapping");
        }

        string Text(string key, bool required = true) =>
            rule.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode { Value: { Length: > 0 } s }
                ? s
                : required ? throw new FormatException($"{path}:{rule.Start.Line}: rule needs '{key}'") : "";

        if (!rule.Children.TryGetValue(new YamlScalarNode("ports"), out var portsNode) || portsNode is not YamlSequenceNode portList)
        {
            throw new FormatException($"{path}:{rule.Start.Line}: rule needs a 'ports' list");
        }

        var ports = portList.Children.Select(p =>
            p is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? port
                : throw new FormatException($"{path}:{p.Start.Line}: bad port '{p}'")).ToArray();
        var protocol = Text("protocol").ToLowerInvariant();
        if (protocol is not ("tcp" or "udp"))
        {
            throw new FormatException($"{path}:{rule.Start.Line}: protocol must be tcp or udp, got '{protocol}'");
        }

        var zone = Text("from_zone", required: false);
        return new EgressRule(Text("from_host"), Text("to_host"), ports, protocol, zone.Length == 0 ? null : zone);
    }
}
