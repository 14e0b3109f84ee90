using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;

namespace ConnCheck.Tests.Units;

/// <summary>Value readers and limits of the config loader at their bounds, in process.</summary>
public sealed class ConfigValuesTests
{
    private static readonly ConfigLoader Loader = new(CheckTypes.Default, new EnvInterpolation(_ => null));

    private static ConnCheckConfig Load(string yaml) => Loader.Load(yaml, "c.yaml");

    private static string Refused(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml)).Errors[0].ToString();

    [Theory]
    [InlineData("yes", false)]
    [InlineData("on", false)]
    [InlineData("True", false)]
    [InlineData("no", true)]
    [InlineData("off", true)]
    [InlineData("FALSE", true)]
    public void Booleans_take_the_yaml_1_1_words(string word, bool reachable)
    {
        // reachable: false is what the original's "expect unreachable" meant; "yes" reads as reachable.
        var check = Assert.Single(Load($"- {{ type: tcp, host: 127.0.0.1, port: 80, reachable: {word} }}\n").Checks);

        Assert.Equal(!reachable, check.Reachable);
    }

    [Fact]
    public void A_boolean_that_is_no_boolean_is_refused_at_its_value()
    {
        Assert.StartsWith("c.yaml:1:54: 'reachable' must be true or", Refused("- { type: tcp, host: 127.0.0.1, port: 80, reachable: maybe }\n"));
    }

    [Fact]
    public void A_zone_name_may_have_64_letters_digits_dashes_underscores_and_dots_and_no_more()
    {
        var longest = new string('z', 60) + "-_.9";

        Assert.Equal([longest], Assert.Single(Load($"- {{ type: tcp, from: {longest}, host: 127.0.0.1, port: 80 }}\n").Checks).From);
        Assert.StartsWith("c.yaml:1:22: bad zone name", Refused($"- {{ type: tcp, from: {longest}x, host: 127.0.0.1, port: 80 }}\n"));
        Assert.StartsWith("c.yaml:1:22: bad zone name 'a b'", Refused("- { type: tcp, from: 'a b', host: 127.0.0.1, port: 80 }\n"));
    }

    [Fact]
    public void Zones_need_declaring_only_when_the_config_declares_zones()
    {
        Assert.Equal(["web"], Assert.Single(Load("- { type: tcp, from: web, host: 127.0.0.1, port: 80 }\n").Checks).From);
        Assert.StartsWith(
            "c.yaml:4:24: zone 'bacth' is not declared under zones: (did you mean 'batch'?)",
            Refused("zones:\n  batch: {}\nchecks:\n  - { type: tcp, from: bacth, host: 127.0.0.1, port: 80 }\n"));
    }

    [Fact]
    public void A_host_name_may_be_253_characters_and_no_more()
    {
        var longest = string.Join('.', Enumerable.Repeat(new string('h', 62), 4)) + ".a";
        Assert.Equal(253, longest.Length);

        Assert.Equal(longest, Assert.Single(Load($"- {{ type: tcp, host: {longest}, port: 80 }}\n").Checks).Destination.Host);
        Assert.StartsWith("c.yaml:1:22: 'host' is not a host name or address", Refused($"- {{ type: tcp, host: {longest}b, port: 80 }}\n"));
    }

    [Fact]
    public void Certificate_thresholds_and_names_reach_the_check()
    {
        var check = Assert.Single(Load("- { type: tls, name: edge, host: 127.0.0.1, port: 443, cert_warn_days: 30, cert_crit_days: 7 }\n").Checks);

        Assert.Equal((30.0, 7.0), (check.CertWarnDays, check.CertCritDays));
        Assert.Equal("edge", check.Name);
        Assert.Contains("edge", check.PatternNames);
        Assert.Contains("tls:127.0.0.1:443", check.PatternNames);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment\n")]
    public void An_empty_config_is_refused_at_its_start(string yaml)
    {
        Assert.Equal("c.yaml:1:1: config is empty: expected a list of checks or a mapping with 'checks'", Refused(yaml));
    }

    [Fact]
    public void A_field_the_original_ignored_is_a_warning_not_an_error()
    {
        var config = Load("- { type: memcache, host: 127.0.0.1, port: 11211, password: x }\n");

        Assert.Single(config.Checks);
        Assert.Contains(config.Warnings, w => w.ToString().StartsWith("c.yaml:1:", StringComparison.Ordinal) && w.Message.Contains("field 'password' of a memcache check is ignored", StringComparison.Ordinal));
    }
}
