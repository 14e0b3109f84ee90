using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Model;

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

    public ConnCheckConfig LoadFile(string path) => LoadFile(path, null);

    /// <summary>Loads <paramref name="path"/>; <paramref name="phase"/> is told "yaml parsed" between the parse and the reading of the checks.</summary>
    public ConnCheckConfig LoadFile(string path, Action<string>? phase)
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

        return Load(bytes, path, phase);
    }

    public ConnCheckConfig Load(string yaml, string file) => Load(System.Text.Encoding.UTF8.GetBytes(yaml), file);

    public ConnCheckConfig Load(byte[] bytes, string file) => Load(bytes, file, null);

    public ConnCheckConfig Load(byte[] bytes, string file, Action<string>? phase)
    {
        var root = YamlTree.Load(bytes, file);
        phase?.Invoke("yaml parsed");
        return new Reader(registry, environment, file).Read(root);
    }

    /// <summary>One file's reading: the sections, then each check; errors are collected, then thrown together.</summary>
    private sealed partial class Reader(CheckRegistry registry, EnvInterpolation environment, string file)
    {
        private readonly List<ConfigError> errors = [];
        private readonly List<ConfigError> warnings = [];
        private readonly Dictionary<ICheckType, TypeShape> shapes = [];

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

        private void Error(YamlNode node, string message) => errors.Add(new ConfigError(file, node.Line, node.Column, message));

        private void Warn(YamlNode node, string message) => warnings.Add(new ConfigError(file, node.Line, node.Column, message));

        private static readonly string[] CertFields = ["cert_warn_days", "cert_crit_days"];
        private static readonly IReadOnlyDictionary<string, CheckOptions> NoZoneOptions = System.Collections.ObjectModel.ReadOnlyDictionary<string, CheckOptions>.Empty;

        /// <summary>What the reading of a check needs of its type, worked out once per type rather than per check.</summary>
        private sealed class TypeShape
        {
            public TypeShape(ICheckType type)
            {
                Accepted = CommonFields.All.Concat(type.Fields).ToDictionary(f => f.Name, StringComparer.Ordinal);
                Required = Accepted.Values.Where(f => f.Required).ToArray();
                Own = type.Fields.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
                ZoneOverrides = type.Fields.Where(f => f.Kind == FieldKind.ZoneOverrides).ToArray();
            }

            public Dictionary<string, FieldSpec> Accepted { get; }

            public FieldSpec[] Required { get; }

            public HashSet<string> Own { get; }

            public FieldSpec[] ZoneOverrides { get; }
        }
    }
}
