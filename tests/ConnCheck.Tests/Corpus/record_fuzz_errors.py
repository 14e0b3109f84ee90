"""Rewrites config-fuzz-positions.txt with the first error (LINE:COL message) the built conn-check gives
for each fuzz file. A position that moved is refused, not rewritten: that is a changed error to look at.

    python3 tests/ConnCheck.Tests/Corpus/record_fuzz_errors.py [path/to/conn-check.dll]
"""
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
dll = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "..", "src", "Coordinator", "bin", "Release", "net10.0", "conn-check.dll")
env = dict(os.environ, CONNCHECK_CORPUS_SECRET="hunter2-corpus-secret", CONNCHECK_CORPUS_HOST="127.0.0.1", CONNCHECK_CORPUS_PORT="8080")
listing = os.path.join(here, "config-fuzz-positions.txt")
lines, moved = [], 0
for line in open(listing, encoding="utf-8").read().split("\n"):
    if not line or line.startswith("#"):
        lines.append(line)
        continue
    name, position = line.split(" ")[:2]
    path = os.path.join(here, "config-fuzz", name)
    run = subprocess.run(["dotnet", dll, "--validate", path], capture_output=True, text=True, timeout=60, env=env)
    first = next((l for l in run.stderr.split("\n") if l.startswith(path + ":")), "")
    found = re.match(re.escape(path) + r":(\d+:\d+): (.*)$", first)
    if not found or found.group(1) != position:
        print(f"{name}: first error moved from {position}: {first or run.stderr.strip()}", file=sys.stderr)
        moved += 1
        lines.append(line)
    else:
        lines.append(f"{name} {position} {found.group(2)}")
open(listing, "w", encoding="utf-8").write("\n".join(lines))
sys.exit(1 if moved else 0)
