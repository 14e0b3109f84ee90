using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.Fuzz;

/// <summary>Replays the corpus coverage-guided fuzzing found (tests/fuzz/run.sh): no input may crash a parser.</summary>
public sealed class FuzzCorpusTests
{
    public static TheoryData<string> ConfigInputs() => Inputs("config");

    public static TheoryData<string> WireInputs() => Inputs("wire");

    [Theory]
    [MemberData(nameof(ConfigInputs))]
    public void The_config_loader_loads_or_refuses_every_corpus_input(string file)
    {
        FuzzTargets.Config(File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "fuzz", "corpus", "config", file)));
    }

    [Theory]
    [MemberData(nameof(WireInputs))]
    public void The_wire_serializer_reads_or_refuses_every_corpus_input(string file)
    {
        FuzzTargets.Wire(File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "fuzz", "corpus", "wire", file)));
    }

    private static TheoryData<string> Inputs(string target)
    {
        var files = Directory.GetFiles(Path.Combine(Repo.Root, "tests", "fuzz", "corpus", target)).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length > 0, $"the {target} corpus is empty");
        var data = new TheoryData<string>();
        foreach (var file in files)
        {
            data.Add(file!);
        }

        return data;
    }
}
