#!/usr/bin/env bash
# Coordinator peak RSS for many results (issue 19: 50,000 results <= 256 MiB), before and after side
# by side in one run:
#
#   bash bench/coordinator-rss.sh [--runs N] [--agents N] [--checks N] [--variants "NAME=VAR:VALUE,... ..."] ROOT...
#
# N agents (default 4) in one zone, one cluster, on loopback; --checks tcp checks (default 12,500)
# `on: all` against 50 loopback listeners, so the coordinator receives agents x checks results
# (default 50,000). Each ROOT is a checkout with a Release build (the agents are the first ROOT's).
# Every run, each ROOT x variant runs once, alternately; the figures are medians of --runs (default
# 5) after one warm-up: the coordinator's peak RSS (VmHWM, /usr/bin/time %M), wall and CPU. Every
# run must report every pair OK. A variant sets environment variables for the coordinator only,
# e.g. --variants "shipped= conserve=DOTNET_GCConserveMemory:5". Agents are never more than 8.
# Every loop is bounded; agents and listeners are killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

runs=5 agents=4 checks=12500 variants="shipped="
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    --agents) agents=$2; shift ;;
    --checks) checks=$2; shift ;;
    --variants) variants=$2; shift ;;
    --*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) break ;;
  esac
  shift
done
[ $# -ge 1 ] || { echo "usage: bash bench/coordinator-rss.sh [options] ROOT..." >&2; exit 2; }
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 15 ] || { echo "--runs must be 1..15" >&2; exit 2; }
[[ "$agents" =~ ^[0-9]+$ ]] && [ "$agents" -ge 1 ] && [ "$agents" -le 8 ] || { echo "--agents must be 1..8" >&2; exit 2; }
[[ "$checks" =~ ^[0-9]+$ ]] && [ "$checks" -ge 1 ] && [ "$checks" -le 30000 ] || { echo "--checks must be 1..30000" >&2; exit 2; }
roots=()
for r in "$@"; do
  r=$(cd "$r" && pwd)
  [ -f "$r/src/Coordinator/bin/Release/net10.0/conn-check.dll" ] || { echo "no Release build under $r" >&2; exit 1; }
  roots+=("$r")
done
read -r -a variant_list <<< "$variants"

source bench/lib/common.sh
bench_setup 0 rss
trap 'exit 130' INT TERM
log() { echo "coordinator-rss: $*" >&2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1
# A loaded machine delays heartbeats and connections; only a failing run waits for these.
printf 'conn-check.coordinator.discovery-timeout = 15s\nakka.remote.watch-failure-detector.acceptable-heartbeat-pause = 30s\n' > "$work/coordinator.hocon"
printf 'akka.remote.watch-failure-detector.acceptable-heartbeat-pause = 30s\nakka.cluster.failure-detector.acceptable-heartbeat-pause = 30s\n' > "$work/agent.hocon"

start_listeners 50 3600
[ ${#ports[@]} -eq 50 ] || { echo "loopback listeners did not start" >&2; exit 1; }

{
  echo "zones: { z1: {} }"
  echo "checks:"
  for i in $(seq 0 $((checks - 1))); do
    echo "  - { type: tcp, name: c$i, from: z1, host: 127.0.0.1, port: ${ports[$((i % 50))]} }"
  done
} > "$work/config.yaml"
pairs=$((agents * checks))

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
agent_dll="${roots[0]}/src/Agent/bin/Release/net10.0/conn-check-agent.dll"
seed=""
for i in $(seq 1 "$agents"); do
  p=$(free_port)
  seed_args=()
  [ -n "$seed" ] && seed_args=(--seed "$seed")
  dotnet "$agent_dll" --zone z1 --name "a$i" --bind "127.0.0.1:$p" --hocon "$work/agent.hocon" "${seed_args[@]}" > "$work/agent-$i.log" 2>&1 &
  pids+=($!)
  [ -z "$seed" ] && seed="127.0.0.1:$p"
done
coordinator() { echo "$1/src/Coordinator/bin/Release/net10.0/conn-check.dll"; }
up=0
for _ in $(seq 90); do
  dotnet "$(coordinator "${roots[0]}")" agents --seed "$seed" --hocon "$work/coordinator.hocon" 2>/dev/null | grep -q ": $agents agent(s)" && { up=1; break; }
  sleep 2
done
[ "$up" = 1 ] || { echo "agents did not form a cluster" >&2; tail -3 "$work"/agent-*.log >&2; exit 1; }

log "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $agents agents x $checks checks = $pairs results"
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq 0 "$runs"); do
  log "run $r of $runs$([ "$r" = 0 ] && echo ' (warm-up)'), load $(cut -d' ' -f1 /proc/loadavg)"
  for i in "${!roots[@]}"; do
    for v in "${variant_list[@]}"; do
      name=${v%%=*} settings=${v#*=} envs=()
      IFS=, read -r -a pairs_list <<< "$settings"
      for s in "${pairs_list[@]}"; do [ -n "$s" ] && envs+=("${s%%:*}=${s#*:}"); done
      out="$work/out" status=0
      env "${envs[@]}" CONN_CHECK_TIMINGS=1 /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
        dotnet "$(coordinator "${roots[$i]}")" "$work/config.yaml" --seed "$seed" --hocon "$work/coordinator.hocon" > "$out" 2> "$work/err" || status=$?
      if [ "$status" != 0 ] || ! grep -Eq "^CONN-CHECK OK: $pairs checks? passed" "$out"; then
        echo "coordinator-rss: root $i variant $name: exit $status or not all $pairs OK:" >&2
        head -c 600 "$out" >&2; tail -5 "$work/err" >&2
        exit 1
      fi
      [ "$r" = 0 ] && continue
      awk '{printf "%d %d %d\n", $1 * 1000, ($2 + $3) * 1000, $4 / 1024}' "$work/time" >> "$work/$i.$name.tsv"
    done
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
col() { awk -v c="$2" '{print $c}' "$1" | median; }
all() { awk -v c="$2" '{printf "%s%s", sep, $c; sep=" "}' "$1"; }
echo "coordinator peak RSS — $(date -u +%FT%RZ); $(nproc) cores; load average at start $load_start, at end $load_end"
echo "$agents agents in one zone x $checks checks on: all = $pairs results; medians of $runs runs"
printf '%-4s %-44s %-12s %8s %8s %8s  %s\n' root checkout variant "rss MiB" "wall ms" "cpu ms" "rss of each run"
for i in "${!roots[@]}"; do
  for v in "${variant_list[@]}"; do
    name=${v%%=*} f="$work/$i.${v%%=*}.tsv"
    printf '%-4s %-44s %-12s %8s %8s %8s  %s\n' "$i" "${roots[$i]} $(git -C "${roots[$i]}" rev-parse --short HEAD 2>/dev/null)" "$name" \
      "$(col "$f" 3)" "$(col "$f" 1)" "$(col "$f" 2)" "$(all "$f" 3)"
  done
done
