"""Prefills a conn-check history file with synthetic runs, for bench/history.sh.

Usage: python3 prefill_history.py HISTORY_DB RUNS
The file must already hold one real run (conn-check made the schema and the config's paths); this adds
RUNS runs of the same config with the same paths, 4 minutes apart and ending now, each path flipping
status now and then so the transitions table is not empty. Only the runs/results/transitions rows are
synthetic: the per-run write cost is measured afterwards on real coordinator runs.
"""
import sqlite3
import sys
import time


def main(path, runs):
    db = sqlite3.connect(path)
    config_hash, config_path = db.execute("SELECT config_hash, config_path FROM runs ORDER BY id LIMIT 1").fetchone()
    template = db.execute(
        "SELECT check_name, zone, agent, status, reason, duration_ms, destination, agent_address FROM results WHERE run_id = (SELECT min(id) FROM runs)").fetchall()
    now_ms = int(time.time() * 1000)
    step_ms = 4 * 60 * 1000
    with db:
        for n in range(runs):
            started = now_ms - (runs - n) * step_ms
            run_id = db.execute(
                "INSERT INTO runs(config_hash, config_path, started_at, elapsed_ms, status, changed) VALUES(?, ?, ?, 250.0, 'OK', 0) RETURNING id",
                (config_hash, config_path, started)).fetchone()[0]
            db.executemany("INSERT INTO results VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(run_id, c, z, a, s, r, d, dest, addr) for (c, z, a, s, r, d, dest, addr) in template])
            if n % 500 == 0:
                c, z, a = template[n % len(template)][:3]
                db.execute("INSERT INTO transitions VALUES(?, ?, ?, ?, ?, ?, 'OK', 'FAILED', 'connection refused', 'was OK for 1d 9h')",
                           (run_id, config_hash, c, z, a, started))
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
