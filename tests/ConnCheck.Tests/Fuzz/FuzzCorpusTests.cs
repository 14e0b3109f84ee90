using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Fuzz;

/// <summary>Replays the corpus coverage-guided fuzzing found (tests/fuzz/run.sh): no input may crash a parser.</summary>
public sealed class FuzzCorpusTests
{
    [Fact]
    public void The_config_loader_loads_or_refuses_every_corpus_input() => Replay("config", FuzzTargets.Config);

    [Fact]
    public void The_wire_serializer_reads_or_refuses_every_corpus_input() => Replay("wire", FuzzTargets.Wire);

    private static void Replay(string target, Action<byte[]> parse)
    {
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "tests", "fuzz", "corpus", target)).Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length > 0, $"the {target} corpus is empty");
        var crashes = new List<string>();
        foreach (var file in files)
        {
            try
            {
                parse(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                crashes.Add($"{Path.GetFileName(file)}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(crashes.Count == 0, $"{crashes.Count} of {files.Length} {target} inputs crashed the parser:\n{string.Join('\n', crashes)}");
    }
}
