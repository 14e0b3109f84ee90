namespace ConnCheck.Tests.Support;

/// <summary>Paths inside the repository and its build output.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>Release or Debug, whichever this test assembly was built as.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";

    public static string CoordinatorDll => Path.Combine(Root, "src", "Coordinator", "bin", Configuration, "net10.0", "conn-check.dll");

    public static string AgentDll => Path.Combine(Root, "src", "Agent", "bin", Configuration, "net10.0", "conn-check-agent.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConnCheck.Distributed.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find the repository root (ConnCheck.Distributed.sln) above " + AppContext.BaseDirectory);
    }
}
