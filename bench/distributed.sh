#!/usr/bin/env bash
# Distributed against local, on loopback:
#   1. 2 agents in 2 zones, 1,000 tcp checks per zone, coordinator wall time (process start to exit)
#   2. the same 2,000 checks with --local (zones simulated in the coordinator's process)
#   3. cold start: a 1-check run through 1 agent, and the same check local
# Each figure is the median of --runs runs (default 5).
# Usage: bash bench/distributed.sh [--no-build] [--checks N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1 checks=1000 runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --checks) checks=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$checks" -le 20000 ] && [ "$runs" -le 50 ] || { echo "refusing unbounded sizes" >&2; exit 2; }

source bench/lib/common.sh
bench_setup "$build" bench
start_listeners 10

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
web_port=$(free_port) batch_port=$(free_port)
dotnet "$agent" --zone web --name web-1 --bind "127.0.0.1:$web_port" > "$work/web.log" 2>&1 &
pids+=($!)
dotnet "$agent" --zone batch --name batch-1 --bind "127.0.0.1:$batch_port" --seed "127.0.0.1:$web_port" > "$work/batch.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  dotnet "$coordinator" agents --seed "127.0.0.1:$web_port" 2>/dev/null | grep -q ": 2 agent(s)" && break
  sleep 1
done

{
  echo "zones: { web: {}, batch: {} }"
  echo "checks:"
  for zone in web batch; do
    for i in $(seq 0 $((checks - 1))); do
      echo "  - { type: tcp, name: '$zone-$i', from: $zone, host: 127.0.0.1, port: ${ports[$((i % ${#ports[@]}))]} }"
    done
  done
} > "$work/distributed.yaml"
echo "- { type: tcp, from: web, host: 127.0.0.1, port: ${ports[0]} }" > "$work/one.yaml"

# median_ms NAME COMMAND...: runs COMMAND $runs times (after one warm-up), prints the median wall time in ms.
median_ms() {
  local times=() start end status
  "$@" > "$work/last.out" 2>&1 || true
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    status=0
    "$@" > "$work/last.out" 2>&1 || status=$?
    end=$(date +%s%N)
    if [ "$status" != 0 ]; then
      echo "run failed (exit $status): $*" >&2
      head -5 "$work/last.out" >&2
      exit 1
    fi
    times+=($(( (end - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

seeds=(--seed "127.0.0.1:$web_port")
dist=$(median_ms dotnet "$coordinator" "$work/distributed.yaml" "${seeds[@]}")
tail -1 "$work/last.out" >/dev/null
head -1 "$work/last.out" | grep -q "^CONN-CHECK OK: $((checks * 2)) checks passed" || { echo "distributed run did not pass all checks:" >&2; head -3 "$work/last.out" >&2; exit 1; }
local_ms=$(median_ms dotnet "$coordinator" "$work/distributed.yaml" --local)
one_dist=$(median_ms dotnet "$coordinator" "$work/one.yaml" "${seeds[@]}")
one_local=$(median_ms dotnet "$coordinator" "$work/one.yaml" --local)

target=$(awk -v l="$local_ms" 'BEGIN {printf "%d", l * 1.5 + 500}')
echo
echo "conn-check distributed benchmark ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), median of $runs)"
printf '%-52s %8s %s\n' "case" "wall ms" "note"
printf '%-52s %8s %s\n' "$((checks * 2)) tcp checks, 2 agents in 2 zones" "$dist" "target <= 1.5 x local + 500 = $target ms"
printf '%-52s %8s %s\n' "$((checks * 2)) tcp checks, --local (zones simulated)" "$local_ms" ""
printf '%-52s %8s %s\n' "1 check through 1 agent (cold coordinator)" "$one_dist" "target < 1000 ms"
printf '%-52s %8s %s\n' "1 check, --local" "$one_local" ""
