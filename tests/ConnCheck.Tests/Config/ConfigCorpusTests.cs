using System.Text;
using System.Text.RegularExpressions;
using ConnCheck.Tests.Support;
using Xunit.Abstractions;

namespace ConnCheck.Tests.Config;

/// <summary>
/// Runs `conn-check --validate FILE` as a process over every file of the config corpus:
/// each malformed file must exit 3 naming FILE:line:col and the problem, quickly and without a stack trace;
/// each valid file must exit 0.
/// </summary>
public sealed partial class ConfigCorpusTests(ITestOutputHelper output)
{
    private const string Secret = "hunter2-corpus-secret";
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(2);

    private static readonly Dictionary<string, string> Environment = new()
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

        await AssertRejectedAsync(path, int.Parse(expect.Groups[1].Value), int.Parse(expect.Groups[2].Value), expect.Groups[3].Value.Trim());
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

    [Fact]
    public async Task Zero_byte_file_is_empty_config()
    {
        using var config = new TempConfig("");
        await AssertRejectedAsync(config.Path, 1, 1, "config is empty");
    }

    [Fact]
    public async Task Whitespace_only_file_is_empty_config()
    {
        using var config = new TempConfig("\n   \n\n");
        await AssertRejectedAsync(config.Path, 1, 1, "config is empty");
    }

    [Fact]
    public async Task Ten_megabyte_string_is_refused_quickly()
    {
        using var config = new TempConfig("- type: tcp\n  host: 127.0.0.1\n  port: 80\n  name: \"" + new string('x', 10 * 1024 * 1024) + "\"\n");
        await AssertRejectedAsync(config.Path, 4, 9, "'name' is 10485760 characters long; the limit is 65536");
    }

    [Fact]
    public async Task Ten_megabyte_key_is_refused_quickly()
    {
        using var config = new TempConfig("- type: tcp\n  host: 127.0.0.1\n  port: 80\n  " + new string('k', 10 * 1024 * 1024) + ": 1\n");
        // YAML caps implicit keys at 1024 characters, so the parser refuses it where the key starts.
        await AssertRejectedAsync(config.Path, 4, 3, "invalid YAML");
    }

    [Fact]
    public async Task File_over_the_size_limit_is_refused_before_parsing()
    {
        using var config = new TempConfig("# " + new string('#', 17 * 1024 * 1024) + "\n");
        await AssertRejectedAsync(config.Path, 1, 1, "config file is 17 MiB; the limit is 16 MiB");
    }

    [Fact]
    public async Task Invalid_utf8_generated_mid_file_names_its_position()
    {
        using var config = new TempConfig("");
        File.WriteAllBytes(config.Path, [.. "- type: tcp\n  host: 127.0.0.1\n  name: ab"u8, 0xC3, 0x28, .. "\n  port: 80\n"u8]);
        await AssertRejectedAsync(config.Path, 3, 11, "config is not valid UTF-8");
    }

    [Fact]
    public async Task Every_error_of_a_file_is_listed_in_file_order()
    {
        using var config = new TempConfig("""
            - type: tcp
              host: 127.0.0.1
              port: 0
            - type: tpc
              host: 127.0.0.1
            - type: tcp
              host: 127.0.0.1
              port: 80
              colour: red
            """);

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

    private async Task AssertRejectedAsync(string path, int line, int column, string message)
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
        Assert.True(run.Elapsed < PerFileLimit, $"validating {path} took {run.Elapsed.TotalSeconds:0.00}s (limit {PerFileLimit.TotalSeconds}s)");
    }

    private static string Shorten(ProcessResult run)
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
}
