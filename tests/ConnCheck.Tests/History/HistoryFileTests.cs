using ConnCheck.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ConnCheck.Tests.History;

/// <summary>
/// The history file under stress, with real coordinator processes: two writing at once, a truncated file,
/// a file another process holds locked. The run's report and exit code never depend on the file.
/// </summary>
public sealed class HistoryFileTests : IDisposable
{
    private readonly AcceptingListener open = new();
    private readonly TempConfig config;

    public HistoryFileTests()
    {
        // 100 paths, so each run's transaction is as big as a real one.
        config = new TempConfig(string.Concat(Enumerable.Range(1, 100).Select(i => $"- {{ type: tcp, name: path-{i}, host: 127.0.0.1, port: {open.Port} }}\n")));
    }

    private string HistoryFile => Path.Combine(config.Directory, "history.db");

    [Fact]
    public async Task Two_coordinators_writing_one_history_file_at_once_both_succeed_and_both_runs_are_stored()
    {
        var first = await ProcessRunner.ConnCheckAsync(config.Path, "--history", HistoryFile);
        Assert.True(first.ExitCode == 0, first.ToString());

        // Hold the write lock until both coordinators have finished their checks, then let them race for it.
        var timings = new Dictionary<string, string> { ["CONN_CHECK_TIMINGS"] = "1" };
        await using var holder = await LockAsync();
        await using var a = RunningProcess.Start(Repo.CoordinatorDll, [config.Path, "--history", HistoryFile], timings);
        await using var b = RunningProcess.Start(Repo.CoordinatorDll, [config.Path, "--history", HistoryFile], timings);
        await a.WaitForLineAsync(l => l.Contains("timing: checks finished", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "a's checks");
        await b.WaitForLineAsync(l => l.Contains("timing: checks finished", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "b's checks");
        Assert.False(a.HasExited || b.HasExited, "a coordinator got past a locked history file");
        await holder.DisposeAsync();

        Assert.Equal(0, await a.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await b.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        foreach (var run in new[] { a, b })
        {
            Assert.StartsWith("CONN-CHECK OK: 100 checks passed", run.StdoutLines[0], StringComparison.Ordinal);
            Assert.DoesNotContain("--history", run.Output, StringComparison.Ordinal);
        }

        await using var db = await OpenAsync();
        Assert.Equal(3L, await ScalarAsync(db, "SELECT count(*) FROM runs"));
        Assert.Equal(300L, await ScalarAsync(db, "SELECT count(*) FROM results"));
        Assert.Equal(3L, await ScalarAsync(db, "SELECT min(streak) FROM paths"));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public async Task A_truncated_history_file_costs_one_stderr_line_and_the_report_and_exit_code_stand(double keep)
    {
        var healthy = await ProcessRunner.ConnCheckAsync(config.Path, "--history", HistoryFile);
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        var length = new FileInfo(HistoryFile).Length;
        Assert.False(File.Exists(HistoryFile + "-wal") && new FileInfo(HistoryFile + "-wal").Length > 0, "the run left its writes in the WAL");
        await using (var file = File.Open(HistoryFile, FileMode.Open))
        {
            file.SetLength((long)(length * keep));
        }

        var run = await ProcessRunner.ConnCheckAsync(config.Path, "--history", HistoryFile);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.StartsWith("CONN-CHECK OK: 100 checks passed |", run.StatusLine, StringComparison.Ordinal);
        Assert.Equal(101, run.Lines.Length);
        var error = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches($"^conn-check: --history {HistoryFile}: .+; this run is not recorded and has no change detection$", error);
        Assert.DoesNotContain(" at ", error, StringComparison.Ordinal);

        var history = await ProcessRunner.ConnCheckAsync("history", "--history", HistoryFile);
        Assert.True(history.ExitCode == 3, history.ToString());
        Assert.Single(history.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_history_file_locked_by_another_process_costs_one_stderr_line_and_the_exit_code_stands()
    {
        using var closed = new TempConfig($"- {{ type: tcp, name: down, host: 127.0.0.1, port: {Loopback.ClosedPort()} }}\n");
        var file = Path.Combine(closed.Directory, "history.db");
        Assert.Equal(2, (await ProcessRunner.ConnCheckAsync(closed.Path, "--history", file)).ExitCode);

        await using var holder = await LockAsync(file);
        var run = await ProcessRunner.ConnCheckAsync(closed.Path, "--history", file);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Equal("down FAILED - connection refused", run.Lines[1]);
        var error = Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("database is locked", error, StringComparison.Ordinal);
        Assert.InRange(run.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        config.Dispose();
        open.Dispose();
    }

    /// <summary>Another process's write transaction: this test process holds the file's write lock until disposed.</summary>
    private async Task<HeldLock> LockAsync(string? file = null)
    {
        var db = await OpenAsync(file);
        var transaction = db.BeginTransaction();
        await using var write = db.CreateCommand();
        write.Transaction = transaction;
        write.CommandText = "CREATE TABLE IF NOT EXISTS held(x); INSERT INTO held VALUES(1);";
        await write.ExecuteNonQueryAsync();
        return new HeldLock(db, transaction);
    }

    private sealed class HeldLock(SqliteConnection db, SqliteTransaction transaction) : IAsyncDisposable
    {
        private bool released;

        public async ValueTask DisposeAsync()
        {
            if (!released)
            {
                released = true;
                await transaction.DisposeAsync();
                await db.DisposeAsync();
            }
        }
    }

    private async Task<SqliteConnection> OpenAsync(string? file = null)
    {
        var db = new SqliteConnection($"Data Source={file ?? HistoryFile};Pooling=False");
        await db.OpenAsync();
        return db;
    }

    private static async Task<long> ScalarAsync(SqliteConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
