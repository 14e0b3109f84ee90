using System.Security.Cryptography;
using System.Text;
using ConnCheck.Coordinator.Reporting;
using Microsoft.Data.Sqlite;

namespace ConnCheck.Coordinator.History;

/// <summary>
/// --history FILE for one run. <see cref="Start"/> opens the file while the checks run (opening and a first
/// read load and JIT the SQLite stack, which would otherwise add a hundred milliseconds after the checks);
/// <see cref="RecordAsync"/> then only runs the run's one transaction. A corrupt, locked or unwritable file
/// costs one stderr line: the report prints and keeps its exit code.
/// </summary>
public sealed class RunHistory : IAsyncDisposable
{
    private readonly string path;
    private readonly string configPath;
    private readonly Task<(HistoryStore Store, string Hash)> opening;

    private RunHistory(string path, string configPath, IReadOnlyList<string> selection, CancellationToken cancellationToken)
    {
        this.path = path;
        this.configPath = configPath;
        opening = Task.Run(() => OpenAsync(selection, cancellationToken), cancellationToken);
    }

    public static RunHistory Start(string path, string configPath, IReadOnlyList<string> selection, CancellationToken cancellationToken) =>
        new(path, configPath, selection, cancellationToken);

    public async Task<RunReport> RecordAsync(RunReport report, Retention keep, bool warnOnChange, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var (store, hash) = await opening.ConfigureAwait(false);
            var run = new RunRecord(hash, Path.GetFullPath(configPath), report.StartedAt, report.Elapsed, ReportWords.Word(report.Status));
            var changes = await store.RecordAsync(
                run, report.Results, r => report.CheckOf(r)?.Reachable == false, r => AgentAddress(report, r), keep, cancellationToken).ConfigureAwait(false);
            var since = await store.PathsAsync(hash, cancellationToken).ConfigureAwait(false);
            return report with
            {
                Changes = new RunChanges(
                    changes.Where(c => c.Now is not null).ToDictionary(c => c.Path),
                    changes.Where(c => c.Now is null).ToList(),
                    since.ToDictionary(p => p.Key, p => p.Value.Since),
                    warnOnChange),
            };
        }
        catch (Exception ex) when (IsFileProblem(ex))
        {
            await error.WriteLineAsync($"conn-check: --history {path}: {OneLine(ex)}; this run is not recorded and has no change detection").ConfigureAwait(false);
            return report;
        }
    }

    /// <summary>The config's identity: its bytes and the selection that picked its checks (patterns, tags, --local).</summary>
    public static string ConfigHash(byte[] config, IReadOnlyList<string> selection)
    {
        var bytes = config.Concat(Encoding.UTF8.GetBytes("\0" + string.Join("\0", selection))).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            var (store, _) = await opening.ConfigureAwait(false);
            await store.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (IsFileProblem(ex) || ex is OperationCanceledException)
        {
            // Already reported by RecordAsync, or the run ended before recording.
        }
    }

    private async Task<(HistoryStore, string)> OpenAsync(IReadOnlyList<string> selection, CancellationToken cancellationToken)
    {
        var hash = ConfigHash(await File.ReadAllBytesAsync(configPath, cancellationToken).ConfigureAwait(false), selection);
        var store = await HistoryStore.OpenAsync(path, create: true, cancellationToken).ConfigureAwait(false);
        try
        {
            await store.WarmUpAsync(hash, cancellationToken).ConfigureAwait(false);
            return (store, hash);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool IsFileProblem(Exception ex) => ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException;

    private static string? AgentAddress(RunReport report, Checks.Model.CheckResult result) =>
        result.Agent is null ? null : report.LiveAgents.GetValueOrDefault(result.Zone)?.FirstOrDefault(a => a.Name == result.Agent)?.Address;

    private static string OneLine(Exception ex) => Checks.Engine.Failures.OneLine(ex.Message.TrimEnd('.'));
}
