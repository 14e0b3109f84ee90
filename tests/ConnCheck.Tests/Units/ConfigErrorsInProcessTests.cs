using System.Text.RegularExpressions;
using ConnCheck.Checks.Engine;
using ConnCheck.Checks.Types;
using ConnCheck.Coordinator.Config;
using ConnCheck.Tests.Config;

namespace ConnCheck.Tests.Units;

/// <summary>
/// The config corpora through the loader itself, in process (the process-level tests in
/// ConfigCorpusTests run the binary): every malformed file is refused at its recorded position with
/// its recorded message, and no error carries the secret.
/// </summary>
public sealed partial class ConfigErrorsInProcessTests
{
    private static readonly ConfigLoader Loader = new(CheckTypes.Default, new EnvInterpolation(v => ConfigCorpusTests.Environment.GetValueOrDefault(v)));

    public static TheoryData<string> ErrorFiles => ConfigCorpusTests.ErrorFiles;

    [Theory]
    [MemberData(nameof(ErrorFiles))]
    public void Malformed_config_is_refused_by_the_loader_at_its_position(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Corpus", "config-errors", name);
        var expect = ExpectHeader().Match(File.ReadLines(path).First());
        Assert.True(expect.Success, $"{name}: first line must be '# expect: LINE:COL message'");

        var errors = Refused(path);

        var position = $"{path}:{expect.Groups[1].Value}:{expect.Groups[2].Value}: ";
        var message = expect.Groups[3].Value.Trim();
        Assert.True(
            errors.Any(e => e.ToString().StartsWith(position, StringComparison.Ordinal) && e.Message.Contains(message, StringComparison.Ordinal)),
            $"expected an error '{position}...{message}...', got:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void Fuzz_corpus_is_refused_by_the_loader_first_with_each_recorded_position_and_message()
    {
        var positions = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Corpus", "config-fuzz-positions.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.True(positions.Count >= 200, $"expected at least 200 fuzz configs, found {positions.Count}");

        var problems = new List<string>();
        foreach (var (name, position) in positions.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var path = Path.Combine(AppContext.BaseDirectory, "Corpus", "config-fuzz", name);
            var errors = Refused(path);
            var first = errors[0];
            if (first.Line <= 0 || $"{first.Line}:{first.Column} {first.Message}" != position)
            {
                problems.Add($"{name}: first error {first}, expected '{position}'");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(10)));
    }

    [Fact]
    public void Errors_are_listed_in_file_order_each_with_its_own_position()
    {
        const string yaml = ConfigCorpusTests.ThreeErrors + """
            - type: tcp
              port: 80
            """;

        var errors = Assert.Throws<ConfigException>(() => Loader.Load(yaml, "c.yaml")).Errors.Select(e => e.ToString()).ToArray();

        Assert.Collection(
            errors,
            e => Assert.Equal("c.yaml:3:9: 'port' must be between 1 and 65535, got '0'", e),
            e => Assert.StartsWith("c.yaml:4:9: unknown check type 'tpc'", e),
            e => Assert.StartsWith("c.yaml:9:3: unknown field 'colour'", e),
            e => Assert.StartsWith("c.yaml:10:3: ", e));
    }

    private static IReadOnlyList<ConfigError> Refused(string path)
    {
        var refused = Assert.Throws<ConfigException>(() => Loader.LoadFile(path));
        Assert.NotEmpty(refused.Errors);
        Assert.All(refused.Errors, e => Assert.DoesNotContain(ConfigCorpusTests.Secret, e.Message, StringComparison.Ordinal));
        return refused.Errors;
    }

    [GeneratedRegex(@"^# expect: (\d+):(\d+) (.+)$")]
    private static partial Regex ExpectHeader();
}
