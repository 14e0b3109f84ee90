using ConnCheck.Tests.Support;

namespace ConnCheck.Tests.History;

/// <summary>Two real agents, web-1 (zone web) and db-1 (zone db), started once for the history tests.</summary>
public sealed class HistoryFixture : IAsyncLifetime
{
    public AgentProcess Web { get; private set; } = null!;

    public AgentProcess Db { get; private set; } = null!;

    public string[] BothAgents => ["--agent", $"web={Web.Address}", "--agent", $"db={Db.Address}"];

    public async Task InitializeAsync()
    {
        Web = await AgentProcess.StartAsync("web", "web-1");
        Db = await AgentProcess.StartAsync("db", "db-1");

        // A cold agent on a loaded machine may miss the coordinator's first greeting: warm both up.
        using var open = new AcceptingListener();
        using var warmUp = new TempConfig($"- {{ type: tcp, from: web, host: 127.0.0.1, port: {open.Port} }}\n- {{ type: tcp, from: db, host: 127.0.0.1, port: {open.Port} }}\n");
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            if ((await ProcessRunner.ConnCheckAsync([warmUp.Path, .. BothAgents])).ExitCode == 0)
            {
                break;
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.DisposeAsync();
        }

        if (Db is not null)
        {
            await Db.DisposeAsync();
        }
    }
}
