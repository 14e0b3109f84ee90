#!/usr/bin/env python3
"""Resident memory of a process per mapping, from /proc/PID/smaps.

  smaps.py snapshot PID FILE             writes {name: [rss_kb, anonymous_kb]} plus the status totals
  smaps.py table [--top N] LABEL=FILE... one row per mapping name (MiB), largest first, then totals

A mapping's name is its file's base name, or [heap], [stack], [anon] (no name), or the runtime's
double-mapped code (memfd:doublemapper, shared memory: RssShmem). Pss counts a page mapped by N
processes as 1/N (RssShmem included). "anon" is the part of a mapping's
Rss that is anonymous (written private pages, e.g. a library's relocated data): RssAnon, not RssFile.
"""
import json
import os
import sys


def name_of(path):
    if not path:
        return "[anon]"
    if "doublemapper" in path:
        return "[doublemapper]"
    if path.startswith("["):
        return "[anon]" if path.startswith("[anon:") else path
    return os.path.basename(path.replace(" (deleted)", ""))


def snapshot(pid, out):
    per = {}
    current = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            head = line.split(None, 5)
            if "-" in head[0] and len(head) >= 5 and ":" not in head[0]:
                current = per.setdefault(name_of(head[5].strip() if len(head) > 5 else ""), [0, 0])
            elif head[0] == "Rss:":
                current[0] += int(head[1])
            elif head[0] == "Anonymous:":
                current[1] += int(head[1])
    totals = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile", "RssShmem"):
                totals[key] = int(value.split()[0])
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                totals["Pss"] = int(line.split()[1])
    with open(out, "w") as f:
        json.dump({"mappings": per, "totals": totals}, f)


def table(args):
    top = 25
    if args[:1] == ["--top"]:
        top, args = int(args[1]), args[2:]
    labels, snaps = [], []
    for arg in args:
        label, _, path = arg.partition("=")
        labels.append(label)
        with open(path) as f:
            snaps.append(json.load(f))
    mib = lambda kb: f"{kb / 1024:.1f}"
    names = sorted({n for s in snaps for n in s["mappings"]},
                   key=lambda n: -max(s["mappings"].get(n, [0, 0])[0] for s in snaps))
    print(f"{'mapping (Rss MiB; anon part)':34}" + "".join(f"{l:>16}" for l in labels))
    rest = [0] * len(snaps)
    for i, n in enumerate(names):
        cells = [s["mappings"].get(n, [0, 0]) for s in snaps]
        if i < top:
            print(f"{n[:34]:34}" + "".join(f"{mib(r) + ' (' + mib(a) + ')':>16}" for r, a in cells))
        else:
            rest = [t + c[0] for t, c in zip(rest, cells)]
    print(f"{'(the others)':34}" + "".join(f"{mib(r):>16}" for r in rest))
    for key in ("RssAnon", "RssFile", "RssShmem"):
        print(f"{key:34}" + "".join(f"{mib(s['totals'].get(key, 0)):>16}" for s in snaps))
    print(f"{'RssAnon+RssFile':34}" + "".join(f"{mib(s['totals'].get('RssAnon', 0) + s['totals'].get('RssFile', 0)):>16}" for s in snaps))
    print(f"{'Pss (shared pages split)':34}" + "".join(f"{mib(s['totals'].get('Pss', 0)):>16}" for s in snaps))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "snapshot":
        snapshot(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "table":
        table(sys.argv[2:])
    else:
        sys.exit(__doc__)
