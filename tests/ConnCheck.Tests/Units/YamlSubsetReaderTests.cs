using System.Text;
using System.Text.RegularExpressions;
using ConnCheck.Coordinator.Config;
using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Units;

/// <summary>
/// The fast YAML reader against YamlDotNet, differentially: for every YAML text in the repository, generated
/// configs and a table of tricky snippets, it either declines or builds the very tree YamlDotNet's path
/// builds (values, plain or quoted, line and column of every node). The bench's 10,000-check file must take it.
/// </summary>
public sealed partial class YamlSubsetReaderTests
{
    [Fact]
    public void Every_yaml_text_in_the_repository_is_read_as_yamldotnet_reads_it_or_declined()
    {
        var texts = RepositoryTexts();
        var taken = 0;
        var mismatches = new List<string>();
        foreach (var (name, text) in texts)
        {
            var outcome = Compare(text);
            if (outcome == Taken)
            {
                taken++;
            }
            else if (outcome != Declined)
            {
                mismatches.Add($"{name}: {outcome}");
            }
        }

        Assert.True(texts.Count > 700, $"only {texts.Count} YAML texts found under {Repo.Root}");
        Assert.Empty(mismatches);

        // Most of the fuzz corpus is broken YAML and declines; the rest must still take the fast path.
        Assert.True(taken > 250, $"only {taken} of {texts.Count} texts took the fast path");
    }

    [Fact]
    public void The_bench_hotpath_file_of_10000_checks_takes_the_fast_path_and_reads_the_same()
    {
        var yaml = new StringBuilder("checks:\n");
        for (var i = 0; i < 10_000; i++)
        {
            yaml.Append("  - { type: tcp, name: c").Append(i).Append(", host: 127.0.0.1, port: ").Append(20_000 + (i % 50)).Append(" }\n");
        }

        Assert.Equal(Taken, Compare(yaml.ToString()));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void A_generated_block_style_config_of_3000_checks_takes_the_fast_path_and_reads_the_same(string newline)
    {
        var yaml = new StringBuilder("# generated\n---\nzones:\n  web: { min_agents: 1 }\n  db:\n    min_agents: 0\ndefaults:\n  timeout: 5\n\nchecks:\n");
        for (var i = 0; i < 3_000; i++)
        {
            yaml.Append((i % 3) switch
            {
                0 => $"- type: http\n  name: 'web {i}'   # quoted name\n  url: http://10.0.{i % 250}.1:8080/health?x=1#frag\n  expected_code: {200 + (i % 3)}\n  tags: [web, \"t{i}\"]\n",
                1 => $"- type: tcp\n  host: db-{i}.internal\n  port: {1 + i}\n  from:\n  - web\n  - db\n  reachable: ~\n  description:\n",
                _ => $"-   type: postgres\n    host: \"pg.example\"\n    username: app\n    password: ${{PG_PASSWORD}}\n    database: 'db''{i}'\n    zones: {{ web: {{ host: pg-web }} }}\n\n",
            });
        }

        Assert.Equal(Taken, Compare(yaml.ToString().ReplaceLineEndings(newline)));
    }

    // Every form real configs are written in takes the fast path and reads the same.
    [Theory]
    [InlineData("url: http://x:80/a?b=c")]
    [InlineData("url: http://x:80/a # comment")]
    [InlineData("a: b#c")]
    [InlineData("a: \"#x\"\nb: '#y'")]
    [InlineData("'k y': v\n\"k:z\": w")]
    [InlineData("a: ~\nb: null\nc:\nd:   # empty\ne: ''\nf: \"\"")]
    [InlineData("a: b   \nc: d  ")]
    [InlineData("a: x\r\nb: y\r\n")]
    [InlineData("é: ü\nx: 中文 値\n名: [α, β]")]
    [InlineData("k: [a:b, http://c:1, \"d\"]\nm: { u: http://x:80, v: b:c }")]
    [InlineData("k: []\nm: {}\nn: {a: [1, {b: c}]}")]
    [InlineData("- a\n- b\n-\n- \n- # empty")]
    [InlineData("- a: 1\n  b: 2\n- c: 3\n-   d: 4\n    e: 5")]
    [InlineData("a:\n- x\n- y\nb: 1")]
    [InlineData("- a:\n  - x\n  b: 1\n- a:\n    - y")]
    [InlineData("-\n  a: 1\n-\n  - b")]
    [InlineData("a:b: c\na[0]: x\nk: a{b,c}d]")]
    [InlineData("k: 'it''s'\nj: \"a\\\"b\\\\c\\td\\n\"")]
    [InlineData("k: -5\nj: -x\n-x: 1")]
    [InlineData("# header\n---\nk: v")]
    [InlineData("--- # c\n- a")]
    [InlineData("a: 1\n  # deeper comment\nb: 2\n# last")]
    [InlineData("a: [1, 2] # c\nb: 'x' # c\nc: {d: e}    # c")]
    [InlineData("  a: 1\n  b:\n    c: 2")]
    [InlineData("a b: c d\nk: a  b\nl: [a  b, c]\nm: {a b: c d}")]
    [InlineData("k: 1.5e3\nj: 0x1F\ni: yes\nh: 2026-12-02T05:00:00Z")]
    [InlineData("checks:\n  - {type: tcp, host: 127.0.0.1, port: 80}\n  - {type: http, url: \"http://127.0.0.1:8080/\"}")]
    public void Common_forms_take_the_fast_path(string yaml) => Assert.Equal(Taken, Compare(yaml));

    // Outside the subset, or in doubt: declined, so YamlDotNet reads them (and reports their errors).
    [Theory]
    [InlineData("k: [a, b, ]")]
    [InlineData("k: { a: 1, }")]
    [InlineData("k: {a: }")]
    [InlineData("k: {a}")]
    [InlineData("k: [a: b]")]
    [InlineData("k: {\"a\":b}")]
    [InlineData("- - a")]
    [InlineData("a: - b")]
    [InlineData("a: b: c")]
    [InlineData("a : b")]
    [InlineData("k: --x")]
    [InlineData("---\n---")]
    [InlineData("k: v\n...")]
    [InlineData("%YAML 1.1\n---\nk: v")]
    [InlineData("--- k: v")]
    [InlineData("k: &a v\nj: *a")]
    [InlineData("k: !!str v")]
    [InlineData("k: |\n  x")]
    [InlineData("k: >\n  x")]
    [InlineData("k: v\n  w")]
    [InlineData("k: v\n\n  w")]
    [InlineData("k: \"v\n  w\"")]
    [InlineData("k: 'v\n  w'")]
    [InlineData("k: \"a\\u0041\"")]
    [InlineData("k: \"a\\\n b\"")]
    [InlineData("? k\n: v")]
    [InlineData("k: v\nk: w")]
    [InlineData("c: {a: 1, a: 2}")]
    [InlineData("<<: {a: 1}\nb: 2")]
    [InlineData("a:\n  b: 1\n c: 2")]
    [InlineData("  a: 1\nb: 2")]
    [InlineData("a: 1\n- b")]
    [InlineData("a: [1, 2]#c")]
    [InlineData("a: 'x'#c")]
    [InlineData("a: \"x\" b")]
    [InlineData("k: [a, # c\n  b]")]
    [InlineData("k: [a,\n  b]")]
    [InlineData("k: @x")]
    [InlineData("k: `x`")]
    [InlineData("k: %x")]
    [InlineData("k: ,x")]
    [InlineData("k: ?x")]
    [InlineData("k: :x")]
    [InlineData("k: x:")]
    [InlineData("k:\tv")]
    [InlineData("k: v\rj: w")]
    [InlineData("k: v\u0085j: w")]
    [InlineData("k: v\u2028")]
    [InlineData("k: \uFEFFv")]
    [InlineData("k: \U0001F600")]
    [InlineData("k: \u0001")]
    [InlineData("a:\n  b")]
    [InlineData("a:\n  [b]")]
    [InlineData("[a, b]")]
    [InlineData("{a: b}")]
    [InlineData("plain scalar")]
    [InlineData("")]
    [InlineData("# only a comment")]
    [InlineData("---")]
    public void Forms_outside_the_subset_are_declined(string yaml)
    {
        Assert.Null(YamlSubsetReader.TryRead(yaml));

        // And YamlDotNet's path still gives its answer (a tree, nothing or its error), as before.
        try
        {
            YamlTree.LoadWithYamlDotNet(yaml, "c.yaml");
        }
        catch (ConfigException)
        {
        }
    }

    [Fact]
    public void A_key_past_yamldotnets_simple_key_limit_is_declined() => Assert.Null(YamlSubsetReader.TryRead(new string('k', 1_100) + ": v"));

    [Fact]
    public void Nesting_past_the_depth_limit_is_declined()
    {
        var deep = new StringBuilder();
        for (var i = 0; i < YamlTree.MaxDepth + 2; i++)
        {
            deep.Append(' ', i * 2).Append("k:\n");
        }

        Assert.Null(YamlSubsetReader.TryRead(deep.ToString()));
    }

    [Fact]
    public void A_document_past_the_node_limit_is_declined() =>
        Assert.Null(YamlSubsetReader.TryRead("k: [" + string.Join(", ", Enumerable.Repeat("a", YamlTree.MaxNodes)) + "]"));

    [Fact]
    public void A_config_error_in_a_file_the_fast_reader_would_take_is_still_reported_by_yamldotnet_with_its_position()
    {
        // The duplicate makes the fast reader decline; YamlDotNet's path reports it as it always has.
        var error = Assert.Throws<ConfigException>(() => YamlTree.Load(Encoding.UTF8.GetBytes("checks:\n  - { type: tcp, host: h, port: 1, port: 2 }\n"), "c.yaml"));

        Assert.Equal("c.yaml:2:36: duplicate key 'port' (first at line 2)", error.Errors[0].ToString());
    }

    private const string Taken = "taken";
    private const string Declined = "declined";

    /// <summary>"taken" (same tree), "declined", or what differs.</summary>
    private static string Compare(string text)
    {
        var fast = YamlSubsetReader.TryRead(text);
        YamlNode? full;
        try
        {
            full = YamlTree.LoadWithYamlDotNet(text, "c.yaml");
        }
        catch (ConfigException ex)
        {
            return fast is null ? Declined : "read by the fast reader, but YamlDotNet reports " + ex.Errors[0];
        }

        return fast is null ? Declined : Difference(fast, full, "$") ?? Taken;
    }

    private static string? Difference(YamlNode fast, YamlNode? full, string at)
    {
        if (full is null || fast.GetType() != full.GetType())
        {
            return $"{at}: {fast.Kind} against {full?.Kind ?? "nothing"}";
        }

        if (fast.Line != full.Line || fast.Column != full.Column)
        {
            return $"{at}: {fast.Kind} at {fast.Line}:{fast.Column} against {full.Line}:{full.Column}";
        }

        switch (fast, full)
        {
            case (YamlScalar a, YamlScalar b):
                return a.Value == b.Value && a.Plain == b.Plain ? null : $"{at}: '{a.Value}' (plain {a.Plain}) against '{b.Value}' (plain {b.Plain})";
            case (YamlSequence a, YamlSequence b):
                if (a.Items.Count != b.Items.Count)
                {
                    return $"{at}: {a.Items.Count} items against {b.Items.Count}";
                }

                return Enumerable.Range(0, a.Items.Count).Select(i => Difference(a.Items[i], b.Items[i], $"{at}[{i}]")).FirstOrDefault(d => d is not null);
            case (YamlMapping a, YamlMapping b):
                if (a.Entries.Count != b.Entries.Count)
                {
                    return $"{at}: {a.Entries.Count} entries against {b.Entries.Count}";
                }

                return Enumerable.Range(0, a.Entries.Count)
                    .Select(i => Difference(a.Entries[i].Key, b.Entries[i].Key, $"{at}.<key {i}>") ?? Difference(a.Entries[i].Value, b.Entries[i].Value, $"{at}.{a.Entries[i].Key.Value}"))
                    .FirstOrDefault(d => d is not null);
            default:
                return $"{at}: unknown node {fast.GetType().Name}";
        }
    }

    /// <summary>Config files, the test corpora, the fuzz corpus and the YAML blocks of the README and docs.</summary>
    private static List<(string Name, string Text)> RepositoryTexts()
    {
        var files = new[] { "examples", "demo", Path.Combine("tests", "ConnCheck.Tests", "Corpus"), Path.Combine("tests", "fuzz", "corpus", "config") }
            .Select(dir => Path.Combine(Repo.Root, dir))
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);
        var texts = new List<(string, string)>();
        foreach (var file in files)
        {
            try
            {
                texts.Add((Path.GetRelativePath(Repo.Root, file), YamlTree.DecodeUtf8(File.ReadAllBytes(file), file)));
            }
            catch (ConfigException)
            {
                // Not UTF-8: neither reader sees it.
            }
        }

        var docs = Directory.EnumerateFiles(Path.Combine(Repo.Root, "docs"), "*.md").Append(Path.Combine(Repo.Root, "README.md"));
        foreach (var doc in docs)
        {
            var blocks = YamlBlock().Matches(File.ReadAllText(doc));
            texts.AddRange(blocks.Select((m, i) => ($"{Path.GetFileName(doc)} yaml block {i + 1}", m.Groups[1].Value)));
        }

        return texts;
    }

    [GeneratedRegex(@"```ya?ml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
