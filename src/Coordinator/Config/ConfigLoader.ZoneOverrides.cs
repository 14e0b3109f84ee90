using ConnCheck.Checks.Engine;

namespace ConnCheck.Coordinator.Config;

public sealed partial class ConfigLoader
{
    /// <summary>A check's <c>zones:</c> field: per zone, some of the type's own fields with other values.</summary>
    private sealed partial class Reader
    {
        private IReadOnlyDictionary<string, IReadOnlyDictionary<string, object>>? ToZoneOverrides(YamlNode node, FieldSpec field, ICheckType type)
        {
            if (node is not YamlMapping zones)
            {
                Error(node, $"'{field.Name}' must be a mapping of zone names to fields, got {node.Kind}");
                return null;
            }

            var byZone = new Dictionary<string, IReadOnlyDictionary<string, object>>(StringComparer.Ordinal);
            var failed = false;
            foreach (var (zone, overrides) in zones.Entries)
            {
                if (!IsZoneName(zone.Value))
                {
                    Error(zone, $"bad zone name {Shown(zone, zone.Value)} under '{field.Name}': use letters, digits, '-', '_' and '.'");
                    failed = true;
                    continue;
                }

                if (overrides is not YamlMapping fields)
                {
                    Error(overrides, $"'{field.Name}.{zone.Value}' must be a mapping of fields ({string.Join(", ", type.ZoneOverridable)}), got {overrides.Kind}");
                    failed = true;
                    continue;
                }

                var values = new Dictionary<string, object>(StringComparer.Ordinal);
                foreach (var (key, value) in fields.Entries)
                {
                    var spec = type.ZoneOverridable.Contains(key.Value) ? type.Fields.Single(f => f.Name == key.Value) : null;
                    if (spec is null)
                    {
                        Error(key, $"'{YamlTree.Shorten(key.Value)}' cannot be set per zone in a {type.Name} check{Suggest(key.Value, type.ZoneOverridable)}; these can: {string.Join(", ", type.ZoneOverridable)}");
                        failed = true;
                    }
                    else if (Convert(value, spec, type) is { } converted)
                    {
                        values[key.Value] = converted;
                    }
                }

                byZone[zone.Value] = values;
            }

            return failed ? null : byZone;
        }

        /// <summary>An override for a zone the check does not run from would never apply: a mistake.</summary>
        private void CheckZoneOverrides(YamlNode? node, IReadOnlyList<string> from)
        {
            if (node is not YamlMapping zones)
            {
                return;
            }

            foreach (var zone in zones.Entries.Select(e => e.Key).Where(z => !from.Contains(z.Value)))
            {
                Error(zone, $"zone '{YamlTree.Shorten(zone.Value)}' under 'zones' is not one this check runs from{Suggest(zone.Value, from)} (from: {string.Join(", ", from)})");
            }
        }
    }
}
