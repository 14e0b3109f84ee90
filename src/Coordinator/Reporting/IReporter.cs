using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.Reporting;

public sealed record ReportOptions(bool Verbose = false, bool Durations = false, bool Matrix = false, bool Unbuffered = false);

/// <summary>One output format (registered in <see cref="OutputFormats"/>). Every format takes the same finished report.</summary>
public interface IReporter
{
    void Write(RunReport report, TextWriter output);

    /// <summary>With -U: called for each result the moment it arrives, before the report.</summary>
    void WriteLive(CheckResult result, TextWriter output)
    {
    }
}
