using System.Globalization;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Config;

public sealed partial class ConfigLoader
{
    /// <summary>One check: its type, its fields (defaults and the original's names applied) and the rules across fields.</summary>
    private sealed partial class Reader
    {
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

            var shape = ShapeOf(type);
            var accepted = shape.Accepted;
            IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> entries = mapping.Entries;
            if (defaults is not null)
            {
                entries = [.. mapping.Entries, .. defaults.Entries.Where(d => (accepted.ContainsKey(d.Key.Value) || OriginalFields.Find(type, d.Key.Value) is RenamedField) && mapping[d.Key.Value] is null)];
            }

            // Sized once: a growing dictionary allocates its tables twice for a check's four or five fields.
            var values = new Dictionary<string, object>(entries.Count, StringComparer.Ordinal);
            var nodes = new Dictionary<string, YamlNode>(entries.Count, StringComparer.Ordinal);
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
                    values[name] = inverted ? !(bool)element : element;
                }
                else if (field.Required && errors.Count == errorsBeforeValue)
                {
                    // "host:" with nothing after it (found by fuzzing): else Describe threw without a position.
                    Error(value, $"required field '{name}' has no value");
                }
            }

            foreach (var required in shape.Required)
            {
                if (!values.ContainsKey(required.Name) && !nodes.ContainsKey(required.Name))
                {
                    Error(mapping, $"{type.Name} check is missing required field '{required.Name}'");
                }
            }

            if (errors.Count > errorsBefore)
            {
                return null;
            }

            var ownValues = new Dictionary<string, object>(values.Count);
            foreach (var (key, value) in values)
            {
                if (shape.Own.Contains(key))
                {
                    ownValues[key] = value;
                }
            }

            var own = new CheckFields(ownValues);
            if (type.Validate(own) is { } invalid)
            {
                Error(nodes.GetValueOrDefault(invalid.Field) ?? mapping, invalid.Message);
                return null;
            }

            var options = type.Parse(own);
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

            foreach (var certField in CertFields)
            {
                if (common.Has(certField) && !type.UsesTls(options))
                {
                    Error(nodes[certField], $"{certField} applies only to checks that use TLS");
                }
            }

            if (errors.Count > errorsBefore)
            {
                return null;
            }

            var zoneOptions = shape.ZoneOverrides.Length == 0 ? NoZoneOptions : shape.ZoneOverrides
                .SelectMany(f => own.ZoneOverrides(f.Name).Keys.Select(zone => (zone, options: type.Parse(own.ForZone(f.Name, zone)))))
                .ToDictionary(z => z.zone, z => z.options, StringComparer.Ordinal);
            var target = type.Describe(options);
            var checkName = common.OptionalString("name") ?? target.Name;
            return new CheckSpec
            {
                Id = id,
                Type = type.Name,
                Name = checkName,
                PatternNames = PatternNamesOf(checkName, target.Name, type.OriginalStepNames(options)),
                Destination = target.Destination,
                From = from.Count == 1 ? [from[0]] : from.Distinct().ToArray(),
                On = on,
                Tags = common.StringList("tags"),
                TimeoutSeconds = common.Double("timeout"),
                Reachable = common.Bool("reachable", true),
                WarnMs = common.Double("warn_ms"),
                CritMs = common.Double("crit_ms"),
                CertWarnDays = common.Double("cert_warn_days"),
                CertCritDays = common.Double("cert_crit_days"),
                Options = options,
                ZoneOptions = zoneOptions,
                Line = mapping.Line,
            };
        }

        private TypeShape ShapeOf(ICheckType type)
        {
            if (!shapes.TryGetValue(type, out var shape))
            {
                shape = new TypeShape(type);
                shapes[type] = shape;
            }

            return shape;
        }

        // The names a check matches by: its name, its target, the original's step names; each once, in that order.
        private static string[] PatternNamesOf(string name, string target, IReadOnlyList<string> steps)
        {
            var names = new List<string>(2 + steps.Count) { name };
            if (target != name)
            {
                names.Add(target);
            }

            foreach (var step in steps)
            {
                if (!names.Contains(step))
                {
                    names.Add(step);
                }
            }

            return [.. names];
        }

        private object? Convert(YamlNode node, FieldSpec field, ICheckType type)
        {
            if (node is YamlScalar { IsNull: true })
            {
                return null;
            }

            return field.Kind switch
            {
                FieldKind.String => ToText(node, field.Name),
                FieldKind.Host => ToHost(node, field.Name),
                FieldKind.Integer => ToInteger(node, field.Name),
                FieldKind.Port => ToInteger(node, field.Name, 1, 65535),
                FieldKind.Boolean => ToBoolean(node, field.Name),
                FieldKind.Seconds => ToPositiveNumber(node, field.Name),
                FieldKind.Url => ToUrl(node, field.Name),
                FieldKind.StringList => ToStringList(node, field.Name),
                FieldKind.StringMap when node is YamlSequence pairs => ToPairs(pairs, field.Name),
                FieldKind.StringMap => ToStringMap(node, field.Name)?.ToArray(),
                FieldKind.TextOrForm when node is YamlMapping => ToStringMap(node, field.Name)?.ToArray(),
                FieldKind.TextOrForm => ToText(node, field.Name),
                FieldKind.ZoneOverrides => ToZoneOverrides(node, field, type),
                FieldKind.Credentials => ToCredentials(node, field.Name),
                _ => throw new InvalidOperationException($"unhandled field kind {field.Kind}"),
            };
        }

        private IReadOnlyList<string>? ToCredentials(YamlNode node, string field)
        {
            var pair = ToStringList(node, field);
            if (pair is not null && pair.Count != 2)
            {
                Error(node, $"'{field}' must be a list of two items: [username, password]");
                return null;
            }

            return pair;
        }
    }
}
