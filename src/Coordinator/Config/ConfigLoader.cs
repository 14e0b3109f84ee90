using System.Globalization;
using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Protocol;
using ConnCheck.Protocol.Hosting;

namespace ConnCheck.Coordinator.Config;

/// <summary>
/// Turns a config file (the original conn-check's list of checks, or the mapping with zones,
/// defaults and checks) into validated <see cref="CheckSpec"/>s. Every problem is reported with
/// file, line and column; nothing is half-loaded.
/// </summary>
public sealed partial class ConfigLoader(CheckRegistry registry, EnvInterpolation environment)
{
    private const int MaxStringLength = 64 * 1024;

    /// <summary>One day: longer waits are mistakes, and timers cannot represent much more.</summary>
    public const int MaxTimeoutSeconds = 86_400;
    private static readonly string[] TopLevelKeys = ["zones", "defaults", "checks", "agents"];

    public ConnCheckConfig LoadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new ConfigException([new ConfigError(path, 0, 0, "is a directory, not a config file")]);
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException([new ConfigError(path, 0, 0, "config file not found")]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(path, 0, 0, $"cannot read config: {ex.Message}")]);
        }

        return Load(bytes, path);
    }

    public ConnCheckConfig Load(string yaml, string file) => Load(System.Text.Encoding.UTF8.GetBytes(yaml), file);

    public ConnCheckConfig Load(byte[] bytes, string file)
    {
        var root = YamlTree.Load(bytes, file);
        return new Reader(registry, environment, file).Read(root);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^([+-]?[0-9]+)\.0*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex IntegralFloat();

    private sealed partial class Reader(CheckRegistry registry, EnvInterpolation environment, string file)
    {
        private readonly List<ConfigError> errors = [];
        private readonly List<ConfigError> warnings = [];
        private readonly Dictionary<ICheckType, Dictionary<string, FieldSpec>> acceptedByType = [];

        public ConnCheckConfig Read(YamlNode? root)
        {
            YamlNode? checksNode = null;
            YamlMapping? defaults = null;
            var zones = new Dictionary<string, ZoneSpec>(StringComparer.Ordinal);
            var agents = AgentSources.None;

            switch (root)
            {
                case null:
                case YamlScalar { IsNull: true }:
                    Error(root ?? new YamlScalar("", true, 1, 1), "config is empty: expected a list of checks or a mapping with 'checks'");
                    break;
                case YamlSequence:
                    checksNode = root;
                    break;
                case YamlMapping mapping:
                    foreach (var (key, _) in mapping.Entries.Where(e => !TopLevelKeys.Contains(e.Key.Value)))
                    {
                        Error(key, $"unknown top-level key '{YamlTree.Shorten(key.Value)}'{Suggest(key.Value, TopLevelKeys)}; expected {string.Join(", ", TopLevelKeys)}");
                    }

                    zones = ReadZones(mapping["zones"]);
                    agents = ReadAgents(mapping["agents"]);
                    defaults = ReadDefaults(mapping["defaults"]);
                    checksNode = mapping["checks"];
                    if (checksNode is null)
                    {
                        Error(mapping, "config has no 'checks' list");
                    }

                    break;
                default:
                    Error(root, "config must be a list of checks or a mapping with 'checks'");
                    break;
            }

            var checks = new List<CheckSpec>();
            if (checksNode is YamlSequence sequence)
            {
                foreach (var item in sequence.Items)
                {
                    if (ReadCheck(item, checks.Count, defaults, zones) is { } check)
                    {
                        checks.Add(check);
                    }
                }
            }
            else if (checksNode is not null and not YamlScalar { IsNull: true })
            {
                Error(checksNode, $"'checks' must be a list, got {checksNode.Kind}");
            }

            if (errors.Count > 0)
            {
                throw new ConfigException(errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToArray());
            }

            return new ConnCheckConfig(file, checks, zones, agents) { Warnings = warnings };
        }

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

        private CheckSpec? ReadCheck(YamlNode node, int id, YamlMapping? defaults, IReadOnlyDictionary<string, ZoneSpec> zones)
        {
            if (node is not YamlMapping mapping)
            {
                Error(node, $"each check must be a mapping with a 'type', got {node.Kind}");
                return null;
            }

            var errorsBefore = errors.Count;
            if (mapping["type"] is not { } typeNode)
            {
                Error(mapping, "check has no 'type'");
                return null;
            }

            if (typeNode is YamlScalar { IsNull: true })
            {
                Error(typeNode, $"'type' is empty; known types: {string.Join(", ", registry.Types.Select(t => t.Name))}");
                return null;
            }

            var typeName = ToText(typeNode, "type");
            if (typeName is null)
            {
                return null;
            }

            var type = registry.Find(typeName);
            if (type is null)
            {
                // Never the expansion of a ${VAR} (it may be a secret), nor a suggestion derived from it.
                var expanded = typeNode is YamlScalar written && written.Value != typeName;
                Error(typeNode, $"unknown check type {Shown(typeNode, typeName)}{(expanded ? "" : Suggest(typeName, registry.Names))}; known types: {string.Join(", ", registry.Types.Select(t => t.Name))}");
                return null;
            }

            var accepted = AcceptedFields(type);
            var entries = mapping.Entries.ToList();
            if (defaults is not null)
            {
                entries.AddRange(defaults.Entries.Where(d => (accepted.ContainsKey(d.Key.Value) || OriginalFields.Find(type, d.Key.Value) is RenamedField) && mapping[d.Key.Value] is null));
            }

            var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var nodes = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (key, value) in entries)
            {
                var name = key.Value;
                var inverted = false;
                switch (OriginalFields.Find(type, name))
                {
                    case IgnoredField ignored:
                        Warn(key, $"field '{name}' of a {type.Name} check is ignored: {ignored.Why}");
                        continue;
                    case RenamedField renamed when entries.Any(e => e.Key.Value == renamed.CurrentName):
                        Error(key, $"set either '{name}' (the original's older name) or '{renamed.CurrentName}', not both");
                        continue;
                    case RenamedField renamed:
                        (name, inverted) = (renamed.CurrentName, renamed.Inverted);
                        break;
                }

                if (!accepted.TryGetValue(name, out var field))
                {
                    var candidates = accepted.Keys.Concat(OriginalFields.Names(registry).Where(n => OriginalFields.Find(type, n) is not null));
                    Error(key, $"unknown field '{YamlTree.Shorten(name)}' for a {type.Name} check{Suggest(name, candidates)}");
                    continue;
                }

                nodes[name] = value;
                var errorsBeforeValue = errors.Count;
                if (Convert(value, field, type) is { } element)
                {
                    values[name] = inverted ? JsonValues.Of(!element.GetBoolean()) : element;
                }
                else if (field.Required && errors.Count == errorsBeforeValue)
                {
                    // "host:" with nothing after it (found by fuzzing): else Describe threw without a position.
                    Error(value, $"required field '{name}' has no value");
                }
            }

            foreach (var missing in accepted.Values.Where(f => f.Required && !values.ContainsKey(f.Name) && !nodes.ContainsKey(f.Name)))
            {
                Error(mapping, $"{type.Name} check is missing required field '{missing.Name}'");
            }

            if (errors.Count > errorsBefore)
            {
                return null;
            }

            var own = new CheckFields(values.Where(v => type.Fields.Any(f => f.Name == v.Key)).ToDictionary(v => v.Key, v => v.Value));
            if (type.Validate(own) is { } invalid)
            {
                Error(nodes.GetValueOrDefault(invalid.Field) ?? mapping, invalid.Message);
                return null;
            }

            var common = new CheckFields(values);
            var from = common.StringList("from");
            if (from.Count == 0)
            {
                from = [Zones.Local];
            }

            for (var i = 0; i < from.Count; i++)
            {
                // Point at the offending item of a from: list, not at the list.
                var zone = from[i];
                var at = nodes.GetValueOrDefault("from") is YamlSequence { Items.Count: var n } list && n == from.Count ? list.Items[i] : nodes.GetValueOrDefault("from") ?? mapping;
                if (!IsZoneName(zone))
                {
                    Error(at, $"bad zone name {Shown(at, zone)}: use letters, digits, '-', '_' and '.'");
                }
                else if (zones.Count > 0 && zone != Zones.Local && !zones.ContainsKey(zone))
                {
                    Error(at, $"zone '{zone}' is not declared under zones:{Suggest(zone, zones.Keys)} (declared: {string.Join(", ", zones.Keys)})");
                }
            }

            CheckZoneOverrides(nodes.GetValueOrDefault("zones"), from);

            var on = RunOn.All;
            if (common.OptionalString("on") is { } onText && !Enum.TryParse(onText, ignoreCase: true, out on))
            {
                Error(nodes["on"], $"'on' must be all or any, got {Shown(nodes["on"], onText)}");
            }

            if (common.Double("timeout") is { } timeout and (<= 0 or > MaxTimeoutSeconds))
            {
                Error(nodes["timeout"], $"'timeout' must be more than 0 and at most {MaxTimeoutSeconds} seconds, got {timeout.ToString(CultureInfo.InvariantCulture)}");
            }

            if (common.Double("warn_ms") is { } warn && common.Double("crit_ms") is { } crit && warn > crit)
            {
                Error(nodes["warn_ms"], $"warn_ms ({warn}) is above crit_ms ({crit})");
            }

            foreach (var certField in new[] { "cert_warn_days", "cert_crit_days" }.Where(f => common.Has(f) && !type.UsesTls(own)))
            {
                Error(nodes[certField], $"{certField} applies only to checks that use TLS");
            }

            if (errors.Count > errorsBefore)
            {
                return null;
            }

            var target = type.Describe(own);
            return new CheckSpec
            {
                Id = id,
                Type = type.Name,
                Name = common.OptionalString("name") ?? target.Name,
                PatternNames = new[] { common.OptionalString("name") ?? target.Name, target.Name }.Concat(type.OriginalStepNames(own)).Distinct().ToArray(),
                Destination = target.Destination,
                From = from.Distinct().ToArray(),
                On = on,
                Tags = common.StringList("tags"),
                TimeoutSeconds = common.Double("timeout"),
                Reachable = common.Bool("reachable", true),
                WarnMs = common.Double("warn_ms"),
                CritMs = common.Double("crit_ms"),
                CertWarnDays = common.Double("cert_warn_days"),
                CertCritDays = common.Double("cert_crit_days"),
                Fields = own.Values,
                Line = mapping.Line,
            };
        }

        private Dictionary<string, FieldSpec> AcceptedFields(ICheckType type)
        {
            if (!acceptedByType.TryGetValue(type, out var accepted))
            {
                accepted = CommonFields.All.Concat(type.Fields).ToDictionary(f => f.Name, StringComparer.Ordinal);
                acceptedByType[type] = accepted;
            }

            return accepted;
        }

        private JsonElement? Convert(YamlNode node, FieldSpec field, ICheckType type)
        {
            if (node is YamlScalar { IsNull: true })
            {
                return null;
            }

            switch (field.Kind)
            {
                case FieldKind.String:
                    return ToText(node, field.Name) is { } text ? JsonValues.Of(text) : null;
                case FieldKind.Host:
                    return ToHost(node, field.Name) is { } host ? JsonValues.Of(host) : null;
                case FieldKind.Integer:
                    return ToInteger(node, field.Name) is { } integer ? JsonValues.Of(integer) : null;
                case FieldKind.Port:
                    return ToInteger(node, field.Name, 1, 65535) is { } port ? JsonValues.Of(port) : null;
                case FieldKind.Boolean:
                    return ToBoolean(node, field.Name) is { } flag ? JsonValues.Of(flag) : null;
                case FieldKind.Seconds:
                    return ToPositiveNumber(node, field.Name) is { } number ? JsonValues.Of(number) : null;
                case FieldKind.Url:
                    return ToUrl(node, field.Name) is { } url ? JsonValues.Of(url) : null;
                case FieldKind.StringList:
                    return ToStringList(node, field.Name) is { } list ? JsonValues.Of(list) : null;
                case FieldKind.StringMap when node is YamlSequence pairs:
                    return ToPairs(pairs, field.Name) is { } pairList ? JsonValues.Of(pairList) : null;
                case FieldKind.StringMap:
                    return ToStringMap(node, field.Name) is { } map ? JsonValues.Of(map) : null;
                case FieldKind.TextOrForm when node is YamlMapping:
                    return ToStringMap(node, field.Name) is { } form ? JsonValues.Of(form) : null;
                case FieldKind.TextOrForm:
                    return ToText(node, field.Name) is { } body ? JsonValues.Of(body) : null;
                case FieldKind.ZoneOverrides:
                    return ToZoneOverrides(node, field, type);
                case FieldKind.Credentials:
                    var pair = ToStringList(node, field.Name);
                    if (pair is not null && pair.Count != 2)
                    {
                        Error(node, $"'{field.Name}' must be a list of two items: [username, password]");
                        return null;
                    }

                    return pair is null ? null : JsonValues.Of(pair);
                default:
                    throw new InvalidOperationException($"unhandled field kind {field.Kind}");
            }
        }

        private string? ToText(YamlNode node, string field)
        {
            if (node is not YamlScalar scalar)
            {
                Error(node, $"'{field}' must be a single value, got {node.Kind}");
                return null;
            }

            if (scalar.Value.Length > MaxStringLength)
            {
                Error(node, $"'{field}' is {scalar.Value.Length} characters long; the limit is {MaxStringLength}");
                return null;
            }

            var (value, error) = environment.Expand(scalar.Value);
            if (error is not null)
            {
                Error(node, $"'{field}': {error}");
            }

            return value;
        }

        private string? ToHost(YamlNode node, string field)
        {
            var host = ToText(node, field);
            if (host is null)
            {
                return null;
            }

            if (host.Length == 0 || host.Length > 253 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' && host[0] != '/'))
            {
                Error(node, $"'{field}' is not a host name or address: {Shown(node, host)}");
                return null;
            }

            // [::1] as in URLs: brackets are for IPv6 literals only, and the check keeps the bare address.
            if (host.StartsWith('['))
            {
                var bare = HostPort.Bare(host);
                if (bare == host || !System.Net.IPAddress.TryParse(bare, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
                {
                    Error(node, $"'{field}' is not a host name or address: {Shown(node, host)} (brackets are for IPv6 addresses: [::1])");
                    return null;
                }

                return bare;
            }

            return host;
        }

        private int? ToInteger(YamlNode node, string field, long min = int.MinValue, long max = int.MaxValue)
        {
            var text = ToText(node, field);
            if (text is null)
            {
                return null;
            }

            var digits = text.Trim();

            // The original read YAML numbers with Python, where 18080.0 is a fine port.
            if (IntegralFloat().Match(digits) is { Success: true } integral)
            {
                digits = integral.Groups[1].Value;
            }

            var unsigned = digits.StartsWith('-') || digits.StartsWith('+') ? digits[1..] : digits;
            if (unsigned.Length == 0 || !unsigned.All(char.IsAsciiDigit))
            {
                Error(node, $"'{field}' must be a whole number, got {Shown(node, text)}");
                return null;
            }

            // Anything too long for a long is out of range, not "not a number".
            if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            {
                Error(node, min == int.MinValue && max == int.MaxValue
                    ? $"'{field}' is out of range, got {Shown(node, text)}"
                    : $"'{field}' must be between {min} and {max}, got {Shown(node, text)}");
                return null;
            }

            return (int)value;
        }

        /// <summary>
        /// A value for an error message: quoted and shortened, and never the expansion of a ${VAR}
        /// (it may be a secret), only the reference as written.
        /// </summary>
        private static string Shown(YamlNode node, string value) =>
            node is YamlScalar scalar && scalar.Value != value
                ? $"'{YamlTree.Shorten(scalar.Value)}' (after environment expansion)"
                : $"'{YamlTree.Shorten(value)}'";

        private bool? ToBoolean(YamlNode node, string field)
        {
            var text = ToText(node, field);
            switch (text?.Trim().ToLowerInvariant())
            {
                case null:
                    return null;
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
                default:
                    Error(node, $"'{field}' must be true or false, got {Shown(node, text)}");
                    return null;
            }
        }

        private double? ToPositiveNumber(YamlNode node, string field)
        {
            var text = ToText(node, field);
            if (text is null)
            {
                return null;
            }

            if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0 || value > 1e9)
            {
                Error(node, $"'{field}' must be a positive number, got {Shown(node, text)}");
                return null;
            }

            return value;
        }

        private string? ToUrl(YamlNode node, string field)
        {
            var text = ToText(node, field);
            if (text is null)
            {
                return null;
            }

            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
            {
                // The URL itself is not echoed: it may carry credentials.
                Error(node, $"'{field}' is not a valid http or https URL");
                return null;
            }

            return text.Trim();
        }

        private IReadOnlyList<string>? ToStringList(YamlNode node, string field)
        {
            switch (node)
            {
                case YamlScalar:
                    return ToText(node, field) is { } single ? [single] : null;
                case YamlSequence sequence:
                    var items = new List<string>();
                    foreach (var item in sequence.Items)
                    {
                        if (ToText(item, field) is { } text)
                        {
                            items.Add(text);
                        }
                    }

                    return items;
                default:
                    Error(node, $"'{field}' must be a value or a list of values, got {node.Kind}");
                    return null;
            }
        }

        private Dictionary<string, string>? ToStringMap(YamlNode node, string field)
        {
            if (node is not YamlMapping mapping)
            {
                Error(node, $"'{field}' must be a mapping of names to values, got {node.Kind}");
                return null;
            }

            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in mapping.Entries)
            {
                if (ToText(value, $"{field}.{key.Value}") is { } text)
                {
                    map[key.Value] = text;
                }
            }

            return map;
        }

        private List<KeyValuePair<string, string>>? ToPairs(YamlSequence sequence, string field)
        {
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var item in sequence.Items)
            {
                if (item is not YamlSequence { Items: [var name, var value] })
                {
                    Error(item, $"'{field}' must be a mapping, or a list of [name, value] pairs");
                    return null;
                }

                if (ToText(name, field) is { } key && ToText(value, $"{field}.{key}") is { } text)
                {
                    pairs.Add(new(key, text));
                }
            }

            return pairs;
        }

        private static bool IsZoneName(string name) =>
            name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

        private void Error(YamlNode node, string message) => errors.Add(new ConfigError(file, node.Line, node.Column, message));

        private void Warn(YamlNode node, string message) => warnings.Add(new ConfigError(file, node.Line, node.Column, message));

        private static string Suggest(string given, IEnumerable<string> candidates)
        {
            if (given.Length > 64)
            {
                return "";
            }

            var best = candidates
                .Select(c => (Candidate: c, Distance: EditDistance(given.ToLowerInvariant(), c)))
                .Where(c => c.Distance <= Math.Max(1, given.Length / 3))
                .OrderBy(c => c.Distance)
                .FirstOrDefault();
            return best.Candidate is null ? "" : $" (did you mean '{best.Candidate}'?)";
        }

        // Optimal string alignment distance: a swap of two neighbours ("tpc") costs one edit.
        private static int EditDistance(string a, string b)
        {
            if (a.Length > 64 || b.Length > 64)
            {
                return int.MaxValue;
            }

            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                    }
                }
            }

            return d[a.Length, b.Length];
        }
    }
}
