"""Checks a bench/scale run's --format json report against its config: every (check, agent of the
check's zone) pair exactly once, each OK. Agents are a1..aN, agent i in zone z((i-1) % min(N, 8) + 1).

Usage: python3 scale_report.py REPORT.json CONFIG.yaml AGENTS   (exit 1 and one stderr line if not)
"""
import json
import re
import sys


def problems(report, config, agents):
    zones = min(agents, 8)
    members = {f"z{z + 1}": {f"a{i}" for i in range(1, agents + 1) if (i - 1) % zones == z} for z in range(zones)}
    expected = {(name, zone, a) for name, zone in re.findall(r"name: (c\d+), from: (z\d+)", config) for a in members[zone]}
    seen = [(r["name"], r["zone"], r["agent"]) for r in report["results"]]
    bad = [f'{r["label"]} {r["status"]} {r.get("reason") or ""}'.strip() for r in report["results"] if r["status"] != "OK"]
    found = []
    if len(seen) != len(set(seen)):
        found.append(f"{len(seen) - len(set(seen))} pair(s) reported twice")
    if set(seen) - expected:
        found.append(f"{len(set(seen) - expected)} unexpected pair(s), e.g. {sorted(set(seen) - expected)[:3]}")
    if expected - set(seen):
        found.append(f"{len(expected - set(seen))} pair(s) missing, e.g. {sorted(expected - set(seen))[:3]}")
    if bad:
        reasons = sorted({r.get("reason") or "" for r in report["results"] if r["status"] != "OK"})
        found.append(f"{len(bad)} not OK, e.g. {bad[:3]}" + (f" ({len(reasons)} distinct reasons: {reasons[:5]})" if len(reasons) > 1 else ""))
    return found, len(seen)


def main(report_path, config_path, agents):
    with open(report_path) as f:
        report = json.load(f)
    with open(config_path) as f:
        config = f.read()
    found, count = problems(report, config, int(agents))
    if found:
        print("report check failed: " + "; ".join(found), file=sys.stderr)
        return 1
    print(f"report check: {count} pairs, each once, all OK", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
