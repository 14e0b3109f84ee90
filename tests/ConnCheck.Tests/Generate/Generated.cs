using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ConnCheck.Tests.Generate;

/// <summary>The output of one 'conn-check config ...' run: the YAML, its checks, and the variables stderr names.</summary>
public sealed partial record Generated(ProcessResult Run)
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Corpus", "generate", name);

    public static async Task<Generated> RunAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var run = await ProcessRunner.ConnCheckAsync(environment, ["config", .. args]);
        Assert.True(run.ExitCode == 0, run.ToString());
        return new Generated(run);
    }

    /// <summary>The environment variables stderr says must be set, in order.</summary>
    public IReadOnlyList<string> Variables => VariableLine().Matches(Run.Stderr).Select(m => m.Groups[1].Value).ToList();

    public IReadOnlyList<string> Notes => Run.Stderr.Split('\n').Where(l => l.StartsWith("note: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();

    /// <summary>Each check as field -> scalar text (lists joined with ',').</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Checks
    {
        get
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Run.Stdout));
            var root = stream.Documents[0].RootNode;
            var list = root is YamlMappingNode mapping ? (YamlSequenceNode)mapping.Children[new YamlScalarNode("checks")] : (YamlSequenceNode)root;
            return list.Children.Cast<YamlMappingNode>().Select(check => (IReadOnlyDictionary<string, string>)check.Children.ToDictionary(
                e => ((YamlScalarNode)e.Key).Value!,
                e => e.Value is YamlSequenceNode seq ? string.Join(",", seq.Children.Cast<YamlScalarNode>().Select(s => s.Value)) : ((YamlScalarNode)e.Value).Value ?? "")).ToList();
        }
    }

    /// <summary>The zones of the mapping form (none for the original's list form).</summary>
    public IReadOnlyList<string> Zones
    {
        get
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Run.Stdout));
            return stream.Documents[0].RootNode is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode("zones"), out var zones)
                ? ((YamlMappingNode)zones).Children.Keys.Cast<YamlScalarNode>().Select(k => k.Value!).ToList()
                : [];
        }
    }

    /// <summary>Writes the YAML to <paramref name="directory"/> and returns its path.</summary>
    public string Save(string directory, string name = "generated.yaml")
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, Run.Stdout);
        return path;
    }

    /// <summary>Asserts that none of <paramref name="secrets"/> appears in stdout or stderr.</summary>
    public void AssertNoSecrets(params string[] secrets)
    {
        foreach (var secret in secrets)
        {
            Assert.False(Run.Stdout.Contains(secret, StringComparison.Ordinal), $"secret {secret[..2]}... in the generated config:\n{Run.Stdout}");
            Assert.False(Run.Stderr.Contains(secret, StringComparison.Ordinal), $"secret {secret[..2]}... on stderr:\n{Run.Stderr}");
        }
    }

    /// <summary>The generated file passes 'conn-check --validate' once its variables are set, and names the first missing one otherwise.</summary>
    public async Task AssertValidatesAsync(int checks, string zones, IReadOnlyDictionary<string, string>? values = null)
    {
        using var dir = new TempConfig("");
        var path = Save(dir.Directory);

        var valid = await ProcessRunner.ConnCheckAsync(Environment(values), path, "--validate");

        Assert.True(valid.ExitCode == 0, valid + "\n--- config\n" + Run.Stdout);
        Assert.Equal($"{path}: valid, {checks} checks{zones}", valid.StatusLine);

        if (Variables.Count > 0)
        {
            var missing = await ProcessRunner.ConnCheckAsync(path, "--validate");
            Assert.Equal(3, missing.ExitCode);
            Assert.Contains("is not set", missing.Stderr);
        }
    }

    /// <summary>Both of the above: the file validates, and a dry run plans every check; returns the planned lines.</summary>
    public async Task<IReadOnlyList<string>> AssertRunnableAsync(int checks, string zones, IReadOnlyDictionary<string, string>? values = null)
    {
        await AssertValidatesAsync(checks, zones, values);
        return await AssertDryRunAsync(values);
    }

    /// <summary>'conn-check --dry-run --local' plans every check (none cannot run) and returns the planned lines.</summary>
    public async Task<IReadOnlyList<string>> AssertDryRunAsync(IReadOnlyDictionary<string, string>? values = null)
    {
        using var dir = new TempConfig("");
        var run = await ProcessRunner.ConnCheckAsync(Environment(values), Save(dir.Directory), "--dry-run", "--local");

        Assert.True(run.ExitCode == 0, run + "\n--- config\n" + Run.Stdout);
        Assert.StartsWith($"{Checks.Count} check run(s) planned, 0 cannot run", run.StatusLine);
        return run.Lines.Skip(1).ToList();
    }

    /// <summary>Every variable set: to <paramref name="values"/>' value, else a placeholder.</summary>
    private Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? values) =>
        Variables.ToDictionary(v => v, v => values?.GetValueOrDefault(v) ?? "placeholder-" + v.ToLowerInvariant());

    [GeneratedRegex(@"^  ([A-Z_][A-Z0-9_]*)  ", RegexOptions.Multiline)]
    private static partial Regex VariableLine();
}
