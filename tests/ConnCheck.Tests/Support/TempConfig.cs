namespace ConnCheck.Tests.Support;

/// <summary>A config file in a temp directory, deleted with the object.</summary>
public sealed class TempConfig : IDisposable
{
    public TempConfig(string yaml, string name = "config.yaml")
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("conncheck-test-").FullName;
        Path = System.IO.Path.Combine(Directory, name);
        File.WriteAllText(Path, yaml);
    }

    public string Directory { get; }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
