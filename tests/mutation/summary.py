"""Prints a Stryker mutation-report.json as a score per file and the surviving mutants, one per line."""
import json
import sys
from collections import Counter

report = json.load(open(sys.argv[1]))
detected = {"Killed", "Timeout"}
undetected = {"Survived", "NoCoverage"}
total = Counter()
print(f"   {'file':<44} {'killed':>6} {'survived':>8} {'no cov':>6} {'score':>6}")
for path, data in sorted(report["files"].items()):
    counts = Counter(m["status"] for m in data["mutants"])
    total.update(counts)
    if not any(counts[s] for s in detected | undetected):
        continue
    valid = sum(counts[s] for s in detected | undetected)
    score = 100 * sum(counts[s] for s in detected) / valid if valid else 100
    short = "/".join(path.split("/")[-2:])
    print(f"   {short:<44} {counts['Killed'] + counts['Timeout']:>6} {counts['Survived']:>8} {counts['NoCoverage']:>6} {score:>5.1f}%")
valid = sum(total[s] for s in detected | undetected)
score = 100 * sum(total[s] for s in detected) / valid if valid else 100
print(f"   {'all':<44} {total['Killed'] + total['Timeout']:>6} {total['Survived']:>8} {total['NoCoverage']:>6} {score:>5.1f}%")
print(f"   (also: {total['CompileError']} compile errors, {total['Ignored']} ignored)")
for path, data in sorted(report["files"].items()):
    lines = data["source"].split("\n")
    for m in data["mutants"]:
        if m["status"] in undetected:
            line = m["location"]["start"]["line"]
            print(f"   {m['status']:<10} {path.split('/')[-1]}:{line} {m['mutatorName']}: {lines[line - 1].strip()[:90]} -> {m.get('replacement', '')[:60]}")
