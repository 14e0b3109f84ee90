#!/usr/bin/env bash
# What --history costs a run: 100 tcp checks against loopback listeners, with a history of 10,000 runs
# of those 100 checks (prefilled by bench/lib/prefill_history.py after one real run made the file).
#   - the history write after the checks (compare, one transaction, retention; the file is opened and
#     warmed up while the checks run): the "history recorded" phase of CONN_CHECK_TIMINGS=1
#   - user+sys CPU of a whole run with and without --history (what the SQLite stack costs in all)
#   - the wall time of a whole run with and without --history, alternated, medians side by side
#   - each of those for the dotnet build (JIT) and for a ReadyToRun publish (what the packages install)
#   - the file size (main file, after the last run checkpointed its WAL)
# --history-keep is the prefilled count, so every measured run also evicts the oldest run (steady state).
# Usage: bash bench/history.sh [--no-build] [--runs N] [--history-runs N] [--checks N]
# Needs python3 (its sqlite3 module) and /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh

build=1 runs=21 history_runs=10000 checks=100
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --runs) runs=$2; shift ;;
    --history-runs) history_runs=$2; shift ;;
    --checks) checks=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$runs" -le 101 ] && [ "$history_runs" -le 100000 ] && [ "$checks" -le 2000 ] || { echo "refusing unbounded sizes" >&2; exit 2; }

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
bench_setup "$build" history
start_listeners 10
[ ${#ports[@]} -eq 10 ] || { echo "loopback listeners did not start" >&2; exit 1; }
config="$work/checks.yaml"
for i in $(seq 0 $((checks - 1))); do
  echo "- { type: tcp, host: 127.0.0.1, port: ${ports[$((i % 10))]}, name: path-$i }"
done > "$config"
db="$work/history.db"

dotnet "$coordinator" "$config" --history "$db" >/dev/null || { echo "first run failed" >&2; exit 1; }
python3 bench/lib/prefill_history.py "$db" "$history_runs"
printf 'prefilled %d runs x %d checks; file %s bytes\n' "$history_runs" "$checks" "$(stat -c %s "$db")"

# The packaged build is a ReadyToRun publish: most of what a one-shot process spends after the checks
# is JIT-compiling code paths it meets for the first time, so both builds are measured, alternated.
r2r="$work/r2r"
dotnet publish src/Coordinator/ConnCheck.Coordinator.csproj -c Release -r linux-x64 --self-contained false \
  -p:PublishReadyToRun=true -o "$r2r" -nologo -clp:ErrorsOnly >/dev/null
builds=(jit r2r)
declare -A binary=([jit]="$coordinator" [r2r]="$r2r/conn-check.dll")

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ms_now() { date +%s%N | awk '{ printf "%.1f", $1 / 1000000 }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", a - b }'; }
for build in "${builds[@]}"; do
  for f in with without write cpu-with cpu-without; do : > "$work/$f-$build"; done
done
for i in $(seq "$runs"); do
  for build in "${builds[@]}"; do
    start=$(ms_now)
    /usr/bin/time -f "%U %S" -o "$work/cpu" dotnet "${binary[$build]}" "$config" >/dev/null
    minus "$(ms_now)" "$start" >> "$work/without-$build"
    awk '{ printf "%.0f\n", ($1 + $2) * 1000 }' "$work/cpu" >> "$work/cpu-without-$build"

    start=$(ms_now)
    CONN_CHECK_TIMINGS=1 /usr/bin/time -f "%U %S" -o "$work/cpu" dotnet "${binary[$build]}" "$config" --history "$db" --history-keep "$history_runs" 2>"$work/timings" >/dev/null
    minus "$(ms_now)" "$start" >> "$work/with-$build"
    awk '{ printf "%.0f\n", ($1 + $2) * 1000 }' "$work/cpu" >> "$work/cpu-with-$build"
    grep -q '^conn-check: timing: history recorded' "$work/timings" || { echo "run $i ($build): no history phase" >&2; cat "$work/timings" >&2; exit 1; }
    grep '^conn-check: timing: history recorded' "$work/timings" | sed -E 's/.*\+ *([0-9.]+) ms.*/\1/' >> "$work/write-$build"
  done
done

stored=$(python3 -c "import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); print(d.execute('select count(*) from runs').fetchone()[0], d.execute('select count(*) from results').fetchone()[0])" "$db")
printf '\n%d checks, history of %s runs / %s result rows after the measured runs (--history-keep %d), %d runs each:\n' "$checks" "${stored% *}" "${stored#* }" "$history_runs" "$runs"
declare -A label=([jit]="dotnet build (JIT)" [r2r]="ReadyToRun publish, as packaged")
for build in "${builds[@]}"; do
  printf '  %s:\n' "${label[$build]}"
  printf '    history write after the checks (compare, one transaction, retention): median %.1f ms, max %.1f ms\n' "$(median < "$work/write-$build")" "$(sort -n "$work/write-$build" | tail -1)"
  printf '    whole run without / with --history: median %.0f / %.0f ms\n' "$(median < "$work/without-$build")" "$(median < "$work/with-$build")"
  printf '    CPU (user+sys) of a run without / with --history: median %.0f / %.0f ms\n' "$(median < "$work/cpu-without-$build")" "$(median < "$work/cpu-with-$build")"
done
printf '  load average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
size=$(stat -c %s "$db")
printf '  history file: %s bytes (%s MB)\n' "$size" "$(awk -v s="$size" 'BEGIN { printf "%.1f", s / 1048576 }')"
