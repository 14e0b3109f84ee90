#!/usr/bin/env bash
# Segmented against flat, on the namespace estates of tests/zones/segmented.sh (needs root):
#   segmented: zones web (2 agents), batch, ops that DROP each other, one cluster per zone, the
#              coordinator given one seed per zone (discovery asks them in parallel);
#   flat:      the same hosts with every path open and one cluster across all zones, one seed.
# The same config (CHECKS tcp checks from every zone's agents, on: all) runs on both, interleaved,
# and each figure is the median coordinator wall time (process start to exit) of --runs runs.
# Target (issue 11): segmented <= flat + 300 ms.
# Usage: sudo bash bench/segmented.sh [--no-build] [--checks N] [--runs N]
set -euo pipefail
cd "$(dirname "$0")/.."

build=1 checks=250 runs=7
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --checks) checks=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$checks" -le 5000 ] && [ "$runs" -le 50 ] || { echo "refusing unbounded sizes" >&2; exit 2; }

source bench/lib/common.sh
bench_setup "$build" segmented
seg=bs$RANDOM flat=bf$RANDOM
down() { bash tests/zones/segmented.sh down "$seg" >/dev/null 2>&1 || true; bash tests/zones/segmented.sh down "$flat" >/dev/null 2>&1 || true; bench_cleanup; }
trap down EXIT
mkdir -p "$work/seg" "$work/flat"
bash tests/zones/segmented.sh up "$seg" "$work/seg" segmented
bash tests/zones/segmented.sh up "$flat" "$work/flat" flat

# agent PREFIX HOST ZONE SEED...: an agent in HOST's namespace on its address, port 4550.
agent() {
  local prefix=$1 host=$2 zone=$3; shift 3
  local address; address=$(grep "^$(echo "$host" | tr a-z- A-Z_)_ADDR=" "$work/$( [ "$prefix" = "$seg" ] && echo seg || echo flat)/env" | cut -d= -f2)
  local seeds=(); for s in "$@"; do seeds+=(--seed "$s"); done
  ip netns exec "$prefix-$host" dotnet "$agent" --zone "$zone" --name "$host" --bind "$address:4550" "${seeds[@]}" > "$work/$prefix-$host.log" 2>&1 &
  pids+=($!)
  disown $!
}
web1=10.79.1.11:4550
agent "$seg" web-1 web; agent "$seg" web-2 web "$web1"; agent "$seg" batch-1 batch; agent "$seg" ops-1 ops
agent "$flat" web-1 web; agent "$flat" web-2 web "$web1"; agent "$flat" batch-1 batch "$web1"; agent "$flat" ops-1 ops "$web1"
seg_seeds=(--seed "$web1" --seed 10.79.2.11:4550 --seed 10.79.3.11:4550)
flat_seeds=(--seed "$web1")
for _ in $(seq 60); do
  a=$(ip netns exec "$seg-coord" dotnet "$coordinator" agents "${seg_seeds[@]}" 2>/dev/null | head -1 || true)
  b=$(ip netns exec "$flat-coord" dotnet "$coordinator" agents "${flat_seeds[@]}" 2>/dev/null | head -1 || true)
  [[ "$a" == *": 4 agent(s)"* && "$b" == *": 4 agent(s)"* ]] && break
  sleep 1
done
echo "segmented: $a"; echo "flat:      $b"

{
  echo "checks:"
  for i in $(seq 0 $((checks - 1))); do
    echo "  - { type: tcp, name: 'path-$i', from: [web, batch, ops], host: 10.79.9.10, port: 7001 }"
  done
} > "$work/estate.yaml"
expected=$((checks * 4))

# run_ms PREFIX SEEDS...: one run's wall time in ms; fails unless every check passed.
run_ms() {
  local prefix=$1; shift
  local start end
  start=$(date +%s%N)
  ip netns exec "$prefix-coord" dotnet "$coordinator" "$work/estate.yaml" "$@" > "$work/last.out" 2>&1 || true
  end=$(date +%s%N)
  head -1 "$work/last.out" | grep -q "^CONN-CHECK OK: $expected checks passed" \
    || { echo "run on $prefix did not pass all $expected checks:" >&2; head -3 "$work/last.out" >&2; exit 1; }
  echo $(( (end - start) / 1000000 ))
}
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

run_ms "$seg" "${seg_seeds[@]}" >/dev/null; run_ms "$flat" "${flat_seeds[@]}" >/dev/null
seg_times=() flat_times=()
for _ in $(seq "$runs"); do
  seg_times+=("$(run_ms "$seg" "${seg_seeds[@]}")")
  flat_times+=("$(run_ms "$flat" "${flat_seeds[@]}")")
done
s=$(median "${seg_times[@]}") f=$(median "${flat_times[@]}")
echo
echo "segmented vs flat ($(nproc) cores, $expected results per run: $checks checks x 4 agents in 3 zones, median of $runs, interleaved)"
printf '%-58s %8s\n' "case" "wall ms"
printf '%-58s %8s\n' "flat: one cluster, one seed" "$f"
printf '%-58s %8s\n' "segmented: a cluster per zone, one seed per zone" "$s"
printf '%-58s %8s %s\n' "difference" "$((s - f))" "target <= 300 ms"
echo "all runs (ms): segmented ${seg_times[*]}; flat ${flat_times[*]}"
