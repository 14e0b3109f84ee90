using System.Security.Cryptography;
using System.Text;
using ConnCheck.Coordinator.Reporting;
using Microsoft.Data.Sqlite;

namespace ConnCheck.Coordinator.History;

/// <summary>
/// Records a finished run in --history FILE and hands back the report with its changes. A corrupt,
/// locked or unwritable file costs one stderr line: the report prints and keeps its exit code.
/// </summary>
public static class RunHistory
{
    public static async Task<RunReport> RecordAsync(
        RunReport report, string path, string configPath, IReadOnlyList<string> selection, Retention keep, bool warnOnChange, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var hash = ConfigHash(await File.ReadAllBytesAsync(configPath, cancellationToken).ConfigureAwait(false), selection);
            await using var store = await HistoryStore.OpenAsync(path, create: true, cancellationToken).ConfigureAwait(false);
            var run = new RunRecord(hash, Path.GetFullPath(configPath), report.StartedAt, report.Elapsed, NagiosReporter.Word(report.Status));
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
        catch (Exception ex) when (ex is SqliteException or IOException or UnauthorizedAccessException or InvalidOperationException)
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

    private static string? AgentAddress(RunReport report, Protocol.CheckResult result) =>
        result.Agent is null ? null : report.LiveAgents.GetValueOrDefault(result.Zone)?.FirstOrDefault(a => a.Name == result.Agent)?.Address;

    private static string OneLine(Exception ex) => Checks.Engine.Failures.OneLine(ex is SqliteException sql ? $"{sql.Message.TrimEnd('.')}" : ex.Message);
}
