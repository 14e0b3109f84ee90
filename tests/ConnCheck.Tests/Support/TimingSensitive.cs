namespace ConnCheck.Tests.Support;

/// <summary>
/// Tests that freeze processes and rely on failure-detector timings run alone, not beside
/// CPU-heavy tests that would make healthy processes look frozen on a 2-core machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    public const string Name = "timing-sensitive";
}
