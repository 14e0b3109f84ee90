"""Samples idle processes from /proc: CPU ms per second and wakeups (context switches) per second,
per process and per thread name, over consecutive windows.

Usage: python3 idle_sample.py WINDOWS SECONDS LABEL=PID [LABEL=PID ...]

Prints, per label, one line per window, then the median; then each label's threads grouped by
name (median over windows of ms/s and wakeups/s), busiest first.
"""
import os
import re
import statistics
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def threads(pid):
    """{tid: (name, cpu ticks, context switches)} of a live process."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                status = f.read()
        except OSError:
            continue  # the thread ended between listdir and open
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        switches = sum(int(v) for v in re.findall(r"(?:non)?voluntary_ctxt_switches:\s+(\d+)", status))
        out[tid] = (name, int(fields[11]) + int(fields[12]), switches)
    return out


def group(name):
    # .NET names thread-pool workers ".NET TP Worker", DotNetty "DotNetty..."; digits vary per thread.
    return re.sub(r"\d+", "#", name)


def window(pids, seconds):
    before = {label: threads(pid) for label, pid in pids.items()}
    start = time.monotonic()
    time.sleep(seconds)
    elapsed = time.monotonic() - start
    after = {label: threads(pid) for label, pid in pids.items()}
    result = {}
    for label in pids:
        per_group = {}
        for tid, (name, ticks, switches) in after[label].items():
            _, t0, s0 = before[label].get(tid, (name, 0, 0))
            cpu, wake = per_group.get(group(name), (0.0, 0.0))
            per_group[group(name)] = (cpu + (ticks - t0) * 1000 / TICK / elapsed, wake + (switches - s0) / elapsed)
        result[label] = per_group
    return result


def main(windows, seconds, specs):
    pids = dict(spec.split("=", 1) for spec in specs)
    samples = []
    for w in range(int(windows)):
        samples.append(window(pids, float(seconds)))
        line = "  ".join(f"{label} {sum(c for c, _ in s[label].values()):6.1f} ms/s {sum(k for _, k in s[label].values()):6.0f} wk/s" for s in [samples[-1]] for label in pids)
        print(f"window {w + 1}: {line}  load {open('/proc/loadavg').read().split()[0]}", flush=True)
    print()
    print(f"{'process':24} {'ms/s':>7} {'wakeups/s':>10}   (median of {windows} windows of {seconds} s)")
    for label in pids:
        cpu = statistics.median(sum(c for c, _ in s[label].values()) for s in samples)
        wake = statistics.median(sum(k for _, k in s[label].values()) for s in samples)
        print(f"{label:24} {cpu:7.1f} {wake:10.0f}")
    for label in pids:
        print(f"\nthreads of {label} (median ms/s, wakeups/s; threads grouped by name):")
        names = {n for s in samples for n in s[label]}
        rows = []
        for n in names:
            rows.append((statistics.median(s[label].get(n, (0, 0))[0] for s in samples),
                         statistics.median(s[label].get(n, (0, 0))[1] for s in samples), n))
        for cpu, wake, n in sorted(rows, reverse=True)[:12]:
            if cpu >= 0.05 or wake >= 0.5:
                print(f"  {n:22} {cpu:7.1f} {wake:8.0f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
