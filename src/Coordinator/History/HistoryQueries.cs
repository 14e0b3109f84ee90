using System.Text.RegularExpressions;
using ConnCheck.Checks.Model;

namespace ConnCheck.Coordinator.History;

/// <summary>A path as `conn-check history` lists it: its config, current status, since when, over how many runs.</summary>
public sealed record PathSummary(string ConfigPath, string ConfigHash, PathState State, DateTimeOffset LastRun);

/// <summary>One step of a path's timeline: first seen, or a change of status (To null: vantage point gone).</summary>
public sealed record Transition(string ConfigPath, PathKey Path, DateTimeOffset At, CheckStatus? From, CheckStatus? To, string? Reason, string Note);

/// <summary>What `conn-check history` reads from the file.</summary>
public static class HistoryQueries
{
    public static async Task<IReadOnlyList<PathSummary>> PathsAsync(HistoryStore store, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        await using var command = store.Command("""
            SELECT p.check_name, p.zone, p.agent, p.status, p.reason, p.since, p.streak, p.last_run, p.config_hash, r.config_path, r.started_at
            FROM paths p JOIN runs r ON r.id = p.last_run WHERE p.since >= $s ORDER BY r.config_path, p.zone, p.agent, p.check_name
            """, ("$s", since?.ToUnixTimeMilliseconds() ?? long.MinValue));
        var paths = new List<PathSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new PathKey(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            var state = new PathState(key, StatusWords.Parse(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)), reader.GetInt64(6), reader.GetInt64(7));
            paths.Add(new PathSummary(reader.GetString(9), reader.GetString(8), state, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10))));
        }

        return paths;
    }

    /// <summary>The timelines of the paths whose label ("zone/agent check") or check name matches the glob (only * is a wildcard).</summary>
    public static async Task<IReadOnlyList<Transition>> TransitionsAsync(HistoryStore store, string glob, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var pattern = new Regex("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline);
        await using var command = store.Command("""
            SELECT t.check_name, t.zone, t.agent, t.at, t.from_status, t.to_status, t.reason, t.note, coalesce(r.config_path, '?')
            FROM transitions t LEFT JOIN runs r ON r.id = t.run_id WHERE t.at >= $s ORDER BY t.at, t.rowid
            """, ("$s", since?.ToUnixTimeMilliseconds() ?? long.MinValue));
        var transitions = new List<Transition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = new PathKey(reader.GetString(0), reader.GetString(1), reader.GetString(2));
            if (pattern.IsMatch(key.Label) || pattern.IsMatch(key.Check))
            {
                transitions.Add(new Transition(reader.GetString(8), key, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                    Status(reader, 4), Status(reader, 5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7)));
            }
        }

        return transitions;
    }

    private static CheckStatus? Status(System.Data.Common.DbDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : StatusWords.Parse(reader.GetString(column));
}
