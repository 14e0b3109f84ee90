namespace ConnCheck.Demo;

/// <summary>Where the agent and coordinator built beside the demo are (same configuration as the demo).</summary>
public sealed record Build(string AgentDll, string CoordinatorDll, string ChecksFile)
{
    public static Build Find()
    {
        var here = AppContext.BaseDirectory;
        var configuration = here.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        for (var dir = new DirectoryInfo(here); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConnCheck.Distributed.sln")))
            {
                string Output(string project, string dll) => Path.Combine(dir.FullName, "src", project, "bin", configuration, "net10.0", dll);
                return new Build(Output("Agent", "conn-check-agent.dll"), Output("Coordinator", "conn-check.dll"), Path.Combine(here, "checks.yaml"));
            }
        }

        throw new InvalidOperationException($"cannot find the repository (ConnCheck.Distributed.sln) above {here}");
    }
}
