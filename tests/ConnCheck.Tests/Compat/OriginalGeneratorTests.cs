using ConnCheck.Tests.Generate;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Compat;

/// <summary>conn-check config django with the settings and option spellings of the original conn-check-configs.</summary>
public sealed class OriginalGeneratorTests
{
    private const string Settings = """
        {
          "DATABASES": { "default": { "ENGINE": "django.db.backends.postgresql_psycopg2", "HOST": "db.internal", "PORT": 5432, "USER": "app", "PASSWORD": "Db-pw-7k" } },
          "OOPSES": { "publishers": [ { "type": "amqp", "host": "oops.internal:5673", "user": "oops", "password": "Oops-pw-2q", "vhost": "/oops" } ] },
          "STATSD_HOST": "statsd.internal"
        }
        """;

    [Fact]
    public async Task Oops_publisher_host_with_a_port_is_split_like_the_original()
    {
        using var settings = new TempConfig(Settings, "settings.json");

        var generated = await Generated.RunAsync(null, "django", settings.Path);

        var oops = generated.Checks.Single(c => c["type"] == "amqp");
        Assert.Equal(("oops.internal", "5673"), (oops["host"], oops["port"]));
        generated.AssertNoSecrets("Oops-pw-2q", "Db-pw-7k");
    }

    [Fact]
    public async Task Original_option_spellings_are_accepted()
    {
        using var settings = new TempConfig(Settings, "settings.json");
        var written = Path.Combine(settings.Directory, "checks.yaml");

        var run = await ProcessRunner.ConnCheckAsync("config", "django", settings.Path, "--statsd_send", "probe:1|c", "--statsd_expect", "pong", "-d", "appdb", "-p", "-f", written);

        Assert.True(run.ExitCode == 0, run.ToString());
        var yaml = await File.ReadAllTextAsync(written);
        Assert.Contains("send: probe:1|c", yaml.Replace("'", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("expect: pong", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_module_option_says_to_pass_the_settings_as_json()
    {
        using var settings = new TempConfig(Settings, "settings.json");

        var run = await ProcessRunner.ConnCheckAsync("config", "django", settings.Path, "-m", "myapp.settings");

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains("cannot import a Python settings module; dump the settings as JSON", run.Stderr, StringComparison.Ordinal);
    }
}
