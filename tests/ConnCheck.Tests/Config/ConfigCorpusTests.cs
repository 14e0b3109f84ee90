using System.Text;
using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;
using Xunit.Abstractions;

namespace ConnCheck.Tests.Config;

/// <summary>
/// Runs `conn-check --validate FILE` as a process over every file of the config corpus (in the
/// timing-sensitive collection: the 2 s per-file limit is not measured beside CPU-heavy classes):
/// each malformed file must exit 3 naming FILE:line:col and the problem, quickly and without a stack trace;
/// each valid file must exit 0.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed partial class ConfigCorpusTests(ITestOutputHelper output)
{
    internal const string Secret = "hunter2-corpus-secret";
    internal static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(2);

    internal static readonly Dictionary<string, string> Environment = new()
    {
        ["CONNCHECK_CORPUS_SECRET"] = Secret,
        ["CONNCHECK_CORPUS_HOST"] = "127.0.0.1",
        ["CONNCHECK_CORPUS_PORT"] = "8080",
    };

    public static TheoryData<string> ErrorFiles => Files("config-errors");

    public static TheoryData<string> ValidFiles => Files("config-valid");

    [Fact]
    public void Corpus_is_not_empty()
    {
        Assert.True(ErrorFiles.Count >= 30, $"expected at least 30 malformed configs, found {ErrorFiles.Count} in {CorpusDirectory("config-errors")}");
        Assert.True(ValidFiles.Count >= 5, $"expected at least 5 valid configs, found {ValidFiles.Count}");
    }

    [Theory]
    [MemberData(nameof(ErrorFiles))]
    public async Task Malformed_config_is_rejected_with_its_position(string name)
    {
        var path = Path.Combine(CorpusDirectory("config-errors"), name);
        var header = Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\n')[0];
        var expect = ExpectHeader().Match(header);
        Assert.True(expect.Success, $"{name}: first line must be '# expect: LINE:COL message', got '{header}'");

        await AssertRejectedAsync(output, path, int.Parse(expect.Groups[1].Value), int.Parse(expect.Groups[2].Value), expect.Groups[3].Value.Trim());
    }

    [Theory]
    [MemberData(nameof(ValidFiles))]
    public async Task Valid_config_validates(string name)
    {
        var path = Path.Combine(CorpusDirectory("config-valid"), name);
        var header = Encoding.UTF8.GetString(File.ReadAllBytes(path)).TrimStart('\uFEFF').Split('\n')[0];
        Assert.StartsWith("# valid: ", header);

        var run = await ProcessRunner.ConnCheckAsync(Environment, "--validate", path);

        output.WriteLine($"{name}: {run.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal($"{path}: valid, {header["# valid: ".Length..].Trim()}", run.StatusLine);
        Assert.Equal("", run.Stderr);
    }

    /// <summary>
    /// What the loader made of each valid file (merge keys, anchors, defaults, ${X:-default}, flow
    /// style, zones and agents), against the "# parsed:", "# zones:" and "# agents:" lines the file
    /// records: one "# parsed:" line per check, in order.
    /// </summary>
    [Theory]
    [MemberData(nameof(ValidFiles))]
    public void Valid_config_parses_to_the_values_it_records(string name)
    {
        var path = Path.Combine(CorpusDirectory("config-valid"), name);
        var comments = File.ReadAllLines(path).Select(l => l.TrimStart('\uFEFF')).Where(l => l.StartsWith("# ", StringComparison.Ordinal)).ToArray();
        string[] Recorded(string key) => comments.Where(l => l.StartsWith($"# {key}: ", StringComparison.Ordinal)).Select(l => l[$"# {key}: ".Length..]).ToArray();

        var config = new ConnCheck.Coordinator.Config.ConfigLoader(ConnCheck.Checks.Types.CheckTypes.Default, new ConnCheck.Coordinator.Config.EnvInterpolation(v => Environment.GetValueOrDefault(v))).LoadFile(path);

        Assert.Equal(Recorded("parsed"), config.Checks.Select(Summary).ToArray());
        Assert.Equal(Recorded("zones").DefaultIfEmpty("").Single(), string.Join(", ", config.Zones.Values.OrderBy(z => z.Name, StringComparer.Ordinal).Select(z => $"{z.Name} min_agents={z.MinAgents}")));
        Assert.Equal(
            Recorded("agents").DefaultIfEmpty("").Single(),
            config.Agents.Seeds.Count + config.Agents.Static.Count == 0 ? "" : $"seeds [{string.Join(", ", config.Agents.Seeds)}] static [{string.Join(", ", config.Agents.Static.Select(a => $"{a.Zone}={a.Address}"))}]");
    }

    private static string Summary(ConnCheck.Checks.Model.CheckSpec c)
    {
        static string Number(double? d) => d is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-";
        var fields = string.Join(" ", c.Fields.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}={f.Value.GetRawText()}"));
        return $"{c.Name} | {c.Type} {c.Destination} | from [{string.Join(", ", c.From)}] on {c.On} | tags [{string.Join(", ", c.Tags)}] | timeout {Number(c.TimeoutSeconds)} reachable {c.Reachable} warn {Number(c.WarnMs)} crit {Number(c.CritMs)} | {fields}";
    }

    /// <summary>
    /// The generated adversarial corpus (Corpus/generate_fuzz.py): each file exits 3 with a
    /// FILE:LINE:COL: message, within 2 s, without a stack trace or the secret. Two processes at a time.
    /// </summary>
    [Fact]
    public async Task Fuzz_corpus_is_refused_with_positions()
    {
        var directory = CorpusDirectory("config-fuzz");
        var names = Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*.yaml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray() : [];
        Assert.True(names.Length >= 200, $"expected at least 200 fuzz configs, found {names.Length} (run Corpus/generate_fuzz.py)");
        var positions = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Corpus", "config-fuzz-positions.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(names, positions.Keys.Order(StringComparer.Ordinal).ToArray());
        var problems = new System.Collections.Concurrent.ConcurrentBag<string>();
        await Parallel.ForEachAsync(names, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (name, _) =>
        {
            var path = Path.Combine(CorpusDirectory("config-fuzz"), name);
            var run = await ProcessRunner.ConnCheckAsync(Environment, "--validate", path);
            if (run.ProcessElapsed >= PerFileLimit)
            {
                run = await ProcessRunner.ConnCheckAsync(Environment, "--validate", path);
            }

            var text = run.Stdout + run.Stderr;
            var first = run.Stderr.Split('\n').FirstOrDefault(l => l.StartsWith(path + ":", StringComparison.Ordinal) && FuzzPosition().IsMatch(l));
            var problem = run.ExitCode != 3 ? $"exit {run.ExitCode}"
                : first is null ? "no FILE:LINE:COL: line"
                : first != $"{path}:{FirstError(positions[name])}" ? $"first error is not '{FirstError(positions[name])}'"
                : text.Contains("   at ", StringComparison.Ordinal) ? "stack trace"
                : text.Contains(Secret, StringComparison.Ordinal) ? "secret echoed"
                : !run.StatusLine.StartsWith("CONN-CHECK UNKNOWN: invalid config ", StringComparison.Ordinal) ? "status line"
                : run.ProcessElapsed >= PerFileLimit ? $"took {run.ProcessElapsed.TotalSeconds:0.00}s twice"
                : null;
            if (problem is not null)
            {
                problems.Add($"{name}: {problem}\n{Shorten(run)}");
            }
        });

        Assert.True(problems.IsEmpty, $"{problems.Count} of {names.Length} fuzz configs misbehaved:\n{string.Join("\n\n", problems.Take(5))}");
    }

    /// <summary>A bad port (3:9), an unknown type (4:9) and an unknown field (9:3).</summary>
    internal const string ThreeErrors = """
        - type: tcp
          host: 127.0.0.1
          port: 0
        - type: tpc
          host: 127.0.0.1
        - type: tcp
          host: 127.0.0.1
          port: 80
          colour: red

        """;

    [Fact]
    public async Task Every_error_of_a_file_is_listed_in_file_order()
    {
        using var config = new TempConfig(ThreeErrors);

        var run = await ProcessRunner.ConnCheckAsync("--validate", config.Path);

        Assert.Equal(3, run.ExitCode);
        var errors = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Collection(
            errors,
            e => Assert.StartsWith($"{config.Path}:3:9: 'port' must be between 1 and 65535", e),
            e => Assert.StartsWith($"{config.Path}:4:9: unknown check type 'tpc'", e),
            e => Assert.StartsWith($"{config.Path}:9:3: unknown field 'colour'", e));
        Assert.Equal($"CONN-CHECK UNKNOWN: invalid config {config.Path}:3:9: 'port' must be between 1 and 65535, got '0' (and 2 more errors)", run.StatusLine);
    }

    // On a machine shared with other work a single slow start-up is noise; a validator slow twice in a row is not.
    internal static async Task AssertRejectedAsync(ITestOutputHelper output, string path, int line, int column, string message)
    {
        var run = await ProcessRunner.ConnCheckAsync(Environment, "--validate", path);

        output.WriteLine($"{Path.GetFileName(path)}: {run.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(run.ExitCode == 3, run.ToString());
        var position = $"{path}:{line}:{column}: ";
        Assert.True(
            run.Stderr.Split('\n').Any(l => l.StartsWith(position, StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal)),
            $"expected a line '{position}...{message}...' in stderr\n{Shorten(run)}");
        Assert.DoesNotContain("   at ", run.Stderr + run.Stdout);
        Assert.DoesNotContain(Secret, run.Stderr + run.Stdout);
        Assert.StartsWith("CONN-CHECK UNKNOWN: invalid config ", run.StatusLine);
        Assert.Single(run.Lines);
        await AssertQuickAsync(output, run, path);
    }

    private static async Task AssertQuickAsync(ITestOutputHelper output, ProcessResult first, string path)
    {
        if (first.ProcessElapsed < PerFileLimit)
        {
            return;
        }


        var again = await ProcessRunner.ConnCheckAsync(Environment, "--validate", path);
        output.WriteLine($"{Path.GetFileName(path)}: retried after {first.Elapsed.TotalMilliseconds:0} ms: {again.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(
            again.ProcessElapsed < PerFileLimit,
            $"validating {path} took {first.ProcessElapsed.TotalSeconds:0.00}s and then {again.ProcessElapsed.TotalSeconds:0.00}s (limit {PerFileLimit.TotalSeconds}s)");
    }

    // "LINE:COL message" as recorded → "LINE:COL: message" as printed.
    private static string FirstError(string recorded) => recorded.Split(' ', 2) is [var position, var message] ? $"{position}: {message}" : recorded;

    internal static string Shorten(ProcessResult run)
    {
        var text = run.ToString();
        return text.Length > 4000 ? text[..4000] + "..." : text;
    }

    private static string CorpusDirectory(string kind) => Path.Combine(AppContext.BaseDirectory, "Corpus", kind);

    private static TheoryData<string> Files(string kind)
    {
        var data = new TheoryData<string>();
        var directory = CorpusDirectory(kind);
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetFileName(file));
            }
        }

        return data;
    }

    [GeneratedRegex(@"^# expect: (\d+):(\d+) (.+)$")]
    private static partial Regex ExpectHeader();

    [GeneratedRegex(@":\d+:\d+: \S")]
    private static partial Regex FuzzPosition();
}

/// <summary>
/// Inputs too big or too odd to commit (10 MB values, 17 MB files...), validated within the 2 s
/// limit: in the timing-sensitive collection, so no CPU-heavy class of this suite runs beside them.
/// </summary>
[Collection(TimingSensitive.Name)]
public sealed class GeneratedConfigLimitTests(ITestOutputHelper output)
{
    /// <summary>Malformed inputs too big or too odd to commit: generated bytes, expected line, column and message.</summary>
    private static readonly Dictionary<string, (Func<byte[]> Bytes, int Line, int Column, string Message)> Generated = new()
    {
        ["zero-byte file"] = (() => [], 1, 1, "config is empty"),
        ["whitespace only"] = (() => "\n   \n\n"u8.ToArray(), 1, 1, "config is empty"),
        ["10 MB string value"] = (
            () => Encoding.UTF8.GetBytes("- type: tcp\n  host: 127.0.0.1\n  port: 80\n  name: \"" + new string('x', 10 * 1024 * 1024) + "\"\n"),
            4, 9, "'name' is 10485760 characters long; the limit is 65536"),

        // YAML caps implicit keys at 1024 characters, so the parser refuses it where the key starts.
        ["10 MB key"] = (() => Encoding.UTF8.GetBytes("- type: tcp\n  host: 127.0.0.1\n  port: 80\n  " + new string('k', 10 * 1024 * 1024) + ": 1\n"), 4, 3, "invalid YAML"),
        ["17 MB file"] = (() => Encoding.UTF8.GetBytes("# " + new string('#', 17 * 1024 * 1024) + "\n"), 1, 1, "config file is 17 MiB; the limit is 16 MiB"),
        ["10 MB host"] = (() => Encoding.UTF8.GetBytes("- type: tcp\n  port: 80\n  host: " + new string('h', 10 * 1024 * 1024) + "\n"), 3, 9, "'host' is 10485760 characters long; the limit is 65536"),
        ["10 MB url"] = (() => Encoding.UTF8.GetBytes("- type: http\n  url: \"http://127.0.0.1/" + new string('u', 10 * 1024 * 1024) + "\"\n"), 2, 8, "'url' is 10485777 characters long; the limit is 65536"),
        ["5 million tags"] = (() => Encoding.UTF8.GetBytes("- type: tcp\n  host: 127.0.0.1\n  port: 80\n  tags: [" + string.Concat(Enumerable.Repeat("a,", 5 * 1024 * 1024)) + "a]\n"), 4, 1999996, "YAML has more than 1000000 nodes"),
        ["10 MB of open brackets"] = (() => Encoding.UTF8.GetBytes("- type: tcp\n  tags: " + new string('[', 10 * 1024 * 1024) + "\n"), 2, 72, "nesting is deeper than 64 levels"),
        ["invalid UTF-8 mid file"] = (() => [.. "- type: tcp\n  host: 127.0.0.1\n  name: ab"u8, 0xC3, 0x28, .. "\n  port: 80\n"u8], 3, 11, "config is not valid UTF-8"),
    };

    public static TheoryData<string> GeneratedCases => new(Generated.Keys);

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public async Task Generated_malformed_config_is_rejected_quickly(string name)
    {
        var (bytes, line, column, message) = Generated[name];
        using var config = new TempConfig("");
        File.WriteAllBytes(config.Path, bytes());
        await ConfigCorpusTests.AssertRejectedAsync(output, config.Path, line, column, message);
    }

}
