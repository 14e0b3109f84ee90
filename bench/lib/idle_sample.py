"""Samples idle processes from /proc: CPU ms per second (user and system) and wakeups (context
switches) per second, per process and per thread name, over consecutive windows.

Usage: python3 idle_sample.py WINDOWS SECONDS LABEL=PID [LABEL=PID ...]

Prints, per label, one line per window, then the median (with the system part of the CPU and the
live thread count); then each label's threads grouped by name (median over windows of ms/s,
wakeups/s and how many threads of that name), busiest first.
"""
import os
import re
import statistics
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def threads(pid):
    """{tid: (name, cpu ticks, context switches, system ticks)} of a live process."""
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
        out[tid] = (name, int(fields[11]) + int(fields[12]), switches, int(fields[12]))
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
        # group name -> (cpu ms/s, wakeups/s, threads, system ms/s)
        per_group = {}
        for tid, (name, ticks, switches, sys_ticks) in after[label].items():
            _, t0, s0, y0 = before[label].get(tid, (name, 0, 0, 0))
            cpu, wake, count, system = per_group.get(group(name), (0.0, 0.0, 0, 0.0))
            per_group[group(name)] = (cpu + (ticks - t0) * 1000 / TICK / elapsed, wake + (switches - s0) / elapsed,
                                      count + 1, system + (sys_ticks - y0) * 1000 / TICK / elapsed)
        result[label] = per_group
    return result


def total(sample, index):
    return sum(values[index] for values in sample.values())


def process_ms(pid):
    """CPU ms the whole process has used since it started (exited threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICK


def main(windows, seconds, specs):
    pids = dict(spec.split("=", 1) for spec in specs)
    # What start and warm-up cost (JIT, joining), before the first window.
    start_cost = {label: process_ms(pid) for label, pid in pids.items()}
    samples = []
    for w in range(int(windows)):
        samples.append(window(pids, float(seconds)))
        line = "  ".join(f"{label} {total(samples[-1][label], 0):6.1f} ms/s {total(samples[-1][label], 1):6.0f} wk/s" for label in pids)
        print(f"window {w + 1}: {line}  load {open('/proc/loadavg').read().split()[0]}", flush=True)
    print()
    print(f"{'process':24} {'ms/s':>7} {'sys ms/s':>8} {'wakeups/s':>10} {'threads':>7} {'start ms':>9}   (median of {windows} windows of {seconds} s; start: CPU before the first)")
    for label in pids:
        cpu, system, wake, count = (statistics.median(total(s[label], i) for s in samples) for i in (0, 3, 1, 2))
        print(f"{label:24} {cpu:7.1f} {system:8.1f} {wake:10.0f} {count:7.0f} {start_cost[label]:9.0f}")
    for label in pids:
        print(f"\nthreads of {label} (median ms/s, wakeups/s, thread count; threads grouped by name):")
        names = {n for s in samples for n in s[label]}
        rows = []
        for n in names:
            rows.append(tuple(statistics.median(s[label].get(n, (0, 0, 0, 0))[i] for s in samples) for i in (0, 1, 2)) + (n,))
        for cpu, wake, count, n in sorted(rows, reverse=True)[:14]:
            print(f"  {n:22} {cpu:7.1f} {wake:8.0f} {count:4.0f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
