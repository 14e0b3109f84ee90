using Microsoft.Data.Sqlite;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.History;

/// <summary>One run as the history records it; results are the report's own (names and reasons already redacted).</summary>
public sealed record RunRecord(string ConfigHash, string ConfigPath, DateTimeOffset StartedAt, TimeSpan Elapsed, string Status);

/// <summary>
/// The run history in one SQLite file: every run, each path's result, each path's current state and its
/// transitions. WAL and a busy timeout let several coordinators share a file; each run is one transaction.
/// </summary>
public sealed class HistoryStore : IAsyncDisposable
{
    /// <summary>Where packaged installs keep the history; `conn-check history` reads it when no --history is given.</summary>
    public const string DefaultPath = "/var/lib/conn-check/history.db";

    private static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, config_hash TEXT NOT NULL, config_path TEXT NOT NULL,
          started_at INTEGER NOT NULL, elapsed_ms REAL NOT NULL, status TEXT NOT NULL, changed INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_config ON runs(config_hash, id);
        CREATE INDEX IF NOT EXISTS runs_started ON runs(started_at);
        CREATE TABLE IF NOT EXISTS results(run_id INTEGER NOT NULL, check_name TEXT NOT NULL, zone TEXT NOT NULL, agent TEXT NOT NULL,
          status TEXT NOT NULL, reason TEXT, duration_ms REAL NOT NULL, destination TEXT NOT NULL, agent_address TEXT);
        CREATE INDEX IF NOT EXISTS results_run ON results(run_id);
        CREATE TABLE IF NOT EXISTS paths(config_hash TEXT NOT NULL, check_name TEXT NOT NULL, zone TEXT NOT NULL, agent TEXT NOT NULL,
          status TEXT NOT NULL, reason TEXT, since INTEGER NOT NULL, streak INTEGER NOT NULL, last_run INTEGER NOT NULL,
          PRIMARY KEY(config_hash, check_name, zone, agent)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS transitions(run_id INTEGER NOT NULL, config_hash TEXT NOT NULL, check_name TEXT NOT NULL, zone TEXT NOT NULL,
          agent TEXT NOT NULL, at INTEGER NOT NULL, from_status TEXT, to_status TEXT, reason TEXT, note TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS transitions_run ON transitions(run_id);
        """;

    private HistoryStore(SqliteConnection connection) => Connection = connection;

    internal SqliteConnection Connection { get; }

    /// <summary>Opens (creating if need be) the file. Throws <see cref="SqliteException"/> for a corrupt or locked file.</summary>
    public static async Task<HistoryStore> OpenAsync(string path, bool create, CancellationToken cancellationToken)
    {
        if (!create && !File.Exists(path))
        {
            throw new FileNotFoundException($"no history at {path}");
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", cancellationToken).ConfigureAwait(false);
            if (create)
            {
                await ExecuteAsync(connection, Schema, cancellationToken).ConfigureAwait(false);
            }

            return new HistoryStore(connection);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Records a run and returns its changes against the previous run of the same config, all in one
    /// transaction, then drops what <paramref name="keep"/> no longer keeps.
    /// </summary>
    public async Task<IReadOnlyList<PathChange>> RecordAsync(
        RunRecord run, IReadOnlyList<CheckResult> results, Func<CheckResult, bool> mustBeClosed, Func<CheckResult, string?> agentAddress,
        Retention keep, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await Connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var previous = await PathsAsync(run.ConfigHash, cancellationToken).ConfigureAwait(false);
        var hadRuns = previous.Count > 0 || await ScalarAsync("SELECT count(*) FROM runs WHERE config_hash = $c", cancellationToken, ("$c", run.ConfigHash)).ConfigureAwait(false) > 0;
        var ran = results.Where(r => r.Status != CheckStatus.Skipped).DistinctBy(PathKey.Of).ToList();
        var changes = ChangeDetector.Detect(previous, ran, mustBeClosed, run.StartedAt, hadRuns);

        var runId = await ScalarAsync(
            "INSERT INTO runs(config_hash, config_path, started_at, elapsed_ms, status, changed) VALUES($c, $p, $s, $e, $st, $n) RETURNING id", cancellationToken,
            ("$c", run.ConfigHash), ("$p", run.ConfigPath), ("$s", run.StartedAt.ToUnixTimeMilliseconds()), ("$e", run.Elapsed.TotalMilliseconds), ("$st", run.Status), ("$n", changes.Count)).ConfigureAwait(false);

        var rows = RowsJson(ran, PathKey.Of, result => [StatusWords.Of(result.Status), result.Reason, result.DurationMs, result.Destination, agentAddress(result)]);
        await ExecuteAsync(
            """
            INSERT INTO results SELECT $r, r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, r->>6, r->>7 FROM (SELECT value AS r FROM json_each($rows))
            """, cancellationToken, ("$r", runId), ("$rows", rows)).ConfigureAwait(false);
        await ExecuteAsync(
            """
            INSERT INTO paths SELECT $c, r->>0, r->>1, r->>2, r->>3, r->>4, $s, 1, $r FROM (SELECT value AS r FROM json_each($rows)) WHERE true
            ON CONFLICT DO UPDATE SET reason = excluded.reason, last_run = excluded.last_run,
              streak = CASE WHEN status = excluded.status THEN streak + 1 ELSE 1 END,
              since = CASE WHEN status = excluded.status THEN since ELSE excluded.since END, status = excluded.status
            """, cancellationToken, ("$c", run.ConfigHash), ("$s", run.StartedAt.ToUnixTimeMilliseconds()), ("$r", runId), ("$rows", rows)).ConfigureAwait(false);

        // A config's first run starts each path's timeline; later runs add only its changes.
        var timeline = hadRuns ? changes : ran.Select(r => new PathChange(PathKey.Of(r), null, r.Status, "first seen")).ToList();
        await WriteTransitionsAsync(runId, run, timeline, ran, cancellationToken).ConfigureAwait(false);
        await ApplyRetentionAsync(keep, run.StartedAt, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return changes;
    }

    /// <summary>
    /// Runs the reads of <see cref="RecordAsync"/> in a read transaction that is rolled back, so that the
    /// run's transaction later finds the SQLite stack loaded and compiled. Takes no write lock.
    /// </summary>
    public async Task WarmUpAsync(string configHash, CancellationToken cancellationToken)
    {
        await using var transaction = Connection.BeginTransaction(deferred: true);
        var previous = await PathsAsync(configHash, cancellationToken).ConfigureAwait(false);
        _ = ChangeDetector.Detect(previous, [], _ => false, DateTimeOffset.UtcNow, hadRuns: true);
        _ = await ScalarAsync("SELECT count(*) FROM runs WHERE config_hash = $c", cancellationToken, ("$c", configHash)).ConfigureAwait(false);
        _ = await ScalarAsync("SELECT count(*) FROM json_each($rows)", cancellationToken, ("$rows", RowsJson([new PathKey("", "", "")], p => p, _ => [1.0, null]))).ConfigureAwait(false);

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The paths of a config as the history holds them, current status and since when.</summary>
    public async Task<IReadOnlyDictionary<PathKey, PathState>> PathsAsync(string configHash, CancellationToken cancellationToken)
    {
        await using var command = Command("SELECT check_name, zone, agent, status, reason, since, streak, last_run FROM paths WHERE config_hash = $c", ("$c", configHash));
        var paths = new Dictionary<PathKey, PathState>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new PathKey(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            paths[key] = new PathState(key, StatusWords.Parse(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetInt64(6), reader.GetInt64(7));
        }

        return paths;
    }

    private async Task WriteTransitionsAsync(long runId, RunRecord run, IReadOnlyList<PathChange> changes, IReadOnlyList<CheckResult> ran, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var reasons = ran.ToDictionary(PathKey.Of, r => r.Reason);
        var rows = RowsJson(changes, change => change.Path, change =>
            [change.Was is { } was ? StatusWords.Of(was) : null, change.Now is { } now ? StatusWords.Of(now) : null, reasons.GetValueOrDefault(change.Path), change.Text]);
        await ExecuteAsync(
            """
            INSERT INTO transitions SELECT $r, $c, r->>0, r->>1, r->>2, $at, r->>3, r->>4, r->>5, r->>6 FROM (SELECT value AS r FROM json_each($rows));
            DELETE FROM paths WHERE config_hash = $c AND (check_name, zone, agent) IN
              (SELECT r->>0, r->>1, r->>2 FROM (SELECT value AS r FROM json_each($rows)) WHERE r->>4 IS NULL);
            """, cancellationToken, ("$r", runId), ("$c", run.ConfigHash), ("$at", run.StartedAt.ToUnixTimeMilliseconds()), ("$rows", rows)).ConfigureAwait(false);
    }

    private async Task ApplyRetentionAsync(Retention keep, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = keep.Runs is { } runs
            ? await ScalarAsync("SELECT coalesce((SELECT id FROM runs ORDER BY id DESC LIMIT 1 OFFSET $n), 0)", cancellationToken, ("$n", runs)).ConfigureAwait(false)
            : await ScalarAsync("SELECT coalesce(max(id), 0) FROM runs WHERE started_at < $t", cancellationToken, ("$t", (now - keep.Age!.Value).ToUnixTimeMilliseconds())).ConfigureAwait(false);
        if (cutoff == 0)
        {
            return;
        }

        var range = $"run_id <= {cutoff}";
        await ExecuteAsync(Connection, $"""
            DELETE FROM results WHERE {range};
            DELETE FROM transitions WHERE {range};
            DELETE FROM runs WHERE id <= {cutoff};
            DELETE FROM paths WHERE last_run <= {cutoff};
            """, cancellationToken).ConfigureAwait(false);
    }

    internal SqliteCommand Command(string sql, params (string Name, object? Value)[] parameters)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    /// <summary>
    /// The rows of one statement as a JSON array of [check, zone, agent, values...]: SQLite's json_each reads
    /// them in one statement, where a statement per row cost a managed round trip each.
    /// </summary>
    private static string RowsJson<T>(IEnumerable<T> items, Func<T, PathKey> key, Func<T, object?[]> values)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in items)
            {
                var path = key(item);
                json.WriteStartArray();
                json.WriteStringValue(path.Check);
                json.WriteStringValue(path.Zone);
                json.WriteStringValue(path.Agent);
                foreach (var value in values(item))
                {
                    switch (value)
                    {
                        case null: json.WriteNullValue(); break;
                        case double number: json.WriteNumberValue(number); break;
                        default: json.WriteStringValue((string)value); break;
                    }
                }

                json.WriteEndArray();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(sql, parameters);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
