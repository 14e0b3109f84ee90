"""Draws bench/scale's table: agents on x; wall and coordinator CPU per result, and agent CPU per
result, on y; one line per total-check count.

Usage: python3 scale_plot.py ROWS.tsv OUT.png
"""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(rows_path, out_path):
    with open(rows_path) as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["cpu_ms"]]  # skipped cells have no figures
    totals = sorted({int(r["pairs"]) for r in rows})
    fig, (time_ax, cpu_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    for total in totals:
        cell = sorted((r for r in rows if int(r["pairs"]) == total), key=lambda r: int(r["agents"]))
        agents = [int(r["agents"]) for r in cell]
        time_ax.plot(agents, [float(r["wall_ms"]) * 1000 / total for r in cell], marker="o", label=f"{total} results")
        cpu_ax.plot(agents, [float(r["cpu_us_per_result"]) for r in cell], marker="o", label=f"coordinator, {total}")
        # an agent's CPU during the run, less what it burns idle over the same wall time
        work = [max(0.0, float(r["agent_cpu_ms"]) - float(r["agent_idle_ms_per_s"]) * float(r["wall_ms"]) / 1000) for r in cell]
        cpu_ax.plot(agents, [w * 1000 * int(r["agents"]) / total for w, r in zip(work, cell)],
                    marker="x", linestyle="--", label=f"all agents less idle, {total}")
    for ax, title in ((time_ax, "wall time per result (µs)"), (cpu_ax, "CPU per result (µs)")):
        ax.set_xscale("log", base=2)
        ax.set_xticks(sorted({int(r["agents"]) for r in rows}))
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_xlabel("agents (up to 8 zones)")
        ax.set_title(title)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("conn-check scale benchmark (bash bench/scale)")
    fig.tight_layout()
    fig.savefig(out_path, dpi=110)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
