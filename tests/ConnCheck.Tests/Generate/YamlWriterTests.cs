using System.Text.Json;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;
using ConnCheck.Coordinator.Firewall;
using ConnCheck.Coordinator.Generate;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Generate;

/// <summary>
/// The one YAML writer behind export-fw and the config generators: every string reads back as the same
/// string through this product's readers and through PyYAML (YAML 1.1, the original's reader).
/// </summary>
public sealed class YamlWriterTests
{
    // Strings a YAML reader would take for something else if written bare.
    private static readonly string[] Tricky =
    [
        "yes", "no", "on", "off", "y", "null", "~", "true", "1", "0x1F", "1.5", "1e3", ".inf", "1:20", "1:2:3:4:5:6:7:8", "::1", "fd00::1",
        "2026-12-01", "a: b", "# not a comment", "- dash", "quote\"and'apostrophe", "back\\slash", "tab\there", "", "*star", "&anchor",
        "!tag", "%percent", "@at", "`tick", "{brace}", "[bracket]", " leading space", "trailing space ", "ümlaut", "line\nbreak", "pipe | more",
    ];

    [Fact]
    public async Task Export_fw_rules_with_awkward_hosts_read_back_unchanged_here_and_in_pyyaml()
    {
        // An empty host is no rule (the reader refuses it), so that one is left out here.
        var hosts = Tricky.Where(t => t.Length > 0).ToArray();
        var rules = hosts.Select((text, i) => new EgressRule(text, "to-" + i, [80, 443], "tcp", text)).ToArray();

        using var file = new TempConfig(EgressYaml.Write(rules, ["comment one", "comment\ntwo lines"]), "egress.yaml");
        var pyyaml = await PyYamlAsync(file.Path);

        Assert.Equal(rules.Select(Describe), EgressYaml.Read(file.Path).Select(Describe));
        var egress = pyyaml.GetProperty("egress").EnumerateArray().ToList();
        Assert.Equal(hosts, egress.Select(r => Text(r.GetProperty("from_host"))));
        Assert.Equal(hosts, egress.Select(r => Text(r.GetProperty("from_zone"))));
        Assert.All(egress, r => Assert.Equal([80, 443], r.GetProperty("ports").EnumerateArray().Select(p => p.GetInt32())));
        // The original's layout: the ports on one line, the comments as comments.
        Assert.Contains("\n  ports: [80, 443]\n", File.ReadAllText(file.Path), StringComparison.Ordinal);
        Assert.StartsWith("# comment one\n# comment two lines\negress:\n", File.ReadAllText(file.Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generated_config_strings_read_back_unchanged_in_pyyaml_and_load_in_the_config_loader()
    {
        var generated = new GeneratedConfig();
        for (var i = 0; i < Tricky.Length; i++)
        {
            generated.Add("test", "tcp", ("host", "127.0.0.1"), ("port", 1000 + i), ("description", Tricky[i]));
        }

        foreach (var host in new[] { "::1", "yes", "null", "on", "fd00::1" })
        {
            generated.Add("test", "tcp", ("host", host), ("port", 7));
        }

        using var file = new TempConfig(generated.ToYaml("test"));
        var pyyaml = await PyYamlAsync(file.Path);
        var withoutDescriptions = new ConfigLoader(CheckTypes.Default, EnvInterpolation.FromProcess)
            .Load(string.Join("\n", File.ReadAllLines(file.Path).Where(l => !l.StartsWith("  description:", StringComparison.Ordinal))), "generated.yaml");

        var checks = pyyaml.EnumerateArray().ToList();
        Assert.Equal(Tricky, checks.Take(Tricky.Length).Select(c => Text(c.GetProperty("description"))));
        Assert.Equal(["::1", "yes", "null", "on", "fd00::1"], checks.Skip(Tricky.Length).Select(c => Text(c.GetProperty("host"))));
        Assert.All(checks, c => Assert.Equal(JsonValueKind.Number, c.GetProperty("port").ValueKind));
        Assert.Equal(["::1", "yes", "null", "on", "fd00::1"], withoutDescriptions.Checks.Skip(Tricky.Length).Select(c => c.Destination.Host));
    }

    // What PyYAML read, marked when it is not a string (a number, a boolean, null, a date).
    private static string Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString()! : $"<{value.ValueKind}: {value}>";

    private static string Describe(EgressRule r) => $"{r.FromZone}|{r.FromHost}|{r.ToHost}|{r.Protocol}|{string.Join(',', r.Ports)}";

    private static async Task<JsonElement> PyYamlAsync(string path)
    {
        var run = await ProcessRunner.RunCommandAsync(
            "python3", ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), default=lambda o: {'not a string': str(o)}))", path], null, TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
        return JsonDocument.Parse(run.Stdout).RootElement.Clone();
    }
}
