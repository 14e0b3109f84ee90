using System.Text;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;

namespace ConnCheck.Tests.Units;

/// <summary>
/// The config load as bench/hotpath profiles it: the "yaml parsed" mark between the parse and the
/// reading of the checks, what the reading keeps per check, and how much it allocates per check.
/// </summary>
public sealed class ConfigLoadPhaseTests
{
    private static readonly ConfigLoader Loader = new(CheckTypes.Default, new EnvInterpolation(_ => null));

    private static (ConnCheckConfig? Config, ConfigException? Error, List<string> Phases) LoadWithPhases(string yaml)
    {
        var phases = new List<string>();
        try
        {
            return (Loader.Load(Encoding.UTF8.GetBytes(yaml), "c.yaml", phases.Add), null, phases);
        }
        catch (ConfigException ex)
        {
            return (null, ex, phases);
        }
    }

    [Fact]
    public void The_yaml_parsed_mark_comes_once_for_a_file_that_parses()
    {
        var (config, _, phases) = LoadWithPhases("- { type: tcp, host: 127.0.0.1, port: 80 }\n");

        Assert.Single(config!.Checks);
        Assert.Equal(["yaml parsed"], phases);
    }

    [Fact]
    public void The_yaml_parsed_mark_comes_before_the_checks_are_read_and_never_for_broken_yaml()
    {
        // A check the reader refuses: the YAML was parsed, so the mark came first.
        var (_, refused, afterParse) = LoadWithPhases("- { type: tcp, host: 127.0.0.1, port: 0 }\n");
        Assert.StartsWith("c.yaml:1:39: 'port' must be between 1 and 65535", refused!.Errors[0].ToString(), StringComparison.Ordinal);
        Assert.Equal(["yaml parsed"], afterParse);

        // YAML that does not parse: no mark.
        var (_, invalid, beforeParse) = LoadWithPhases("- { type: tcp, host: [\n");
        Assert.Contains("invalid YAML", invalid!.Errors[0].Message, StringComparison.Ordinal);
        Assert.Empty(beforeParse);
    }

    [Theory]
    [InlineData("{ type: tcp, host: h, port: 80 }", "tcp:h:80")]
    [InlineData("{ type: tcp, name: tcp:h:80, host: h, port: 80 }", "tcp:h:80")]
    [InlineData("{ type: tcp, name: web, host: h, port: 80 }", "web|tcp:h:80")]
    [InlineData("{ type: postgres, name: db, host: h, username: u, password: p, database: d }", "db|postgres:h:5432|tcp:h:5432")]
    [InlineData("{ type: postgres, host: h, username: u, password: p, database: d }", "postgres:h:5432|tcp:h:5432")]
    public void Pattern_names_are_the_name_the_target_and_the_original_step_names_each_once(string check, string names)
    {
        var spec = Assert.Single(Loader.Load($"- {check}\n", "c.yaml").Checks);

        Assert.Equal(names, string.Join("|", spec.PatternNames));
    }

    [Fact]
    public void A_check_without_zone_overrides_has_no_zone_options_and_one_zone()
    {
        var spec = Assert.Single(Loader.Load("- { type: tcp, host: h, port: 80, from: [local, local] }\n", "c.yaml").Checks);

        Assert.Empty(spec.ZoneOptions);
        Assert.Equal(["local"], spec.From);
    }

    [Fact]
    public void Reading_a_tcp_check_allocates_at_most_3_KiB_per_check_after_the_yaml_parse()
    {
        // bench/hotpath's file: one flow mapping per check. The first load pays for JIT and caches.
        var yaml = new StringBuilder("checks:\n");
        const int count = 2_000;
        for (var i = 0; i < count; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - {{ type: tcp, name: c{i}, host: 127.0.0.1, port: {30000 + (i % 50)} }}\n");
        }

        var bytes = Encoding.UTF8.GetBytes(yaml.ToString());
        Loader.Load(bytes, "c.yaml", null);

        long atParse = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var config = Loader.Load(bytes, "c.yaml", _ => atParse = GC.GetAllocatedBytesForCurrentThread());
        var reading = GC.GetAllocatedBytesForCurrentThread() - atParse;

        Assert.Equal(count, config.Checks.Count);
        Assert.True(atParse > before, "the yaml parsed mark was not given");
        Assert.True(reading / count <= 3 * 1024, $"reading allocated {reading / count} bytes per check");
    }
}
