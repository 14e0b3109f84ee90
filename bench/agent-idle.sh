#!/usr/bin/env bash
# Idle agent CPU, several builds or settings side by side in the same windows: for each variant a
# cluster of --size agents (a seed and size-1 members, default 2) on 127.0.21.x; after --warmup
# seconds, --windows windows of --seconds each: CPU ms/s (utime+stime from /proc/PID/task/*/stat,
# and the stime part), wakeups/s (voluntary + involuntary context switches) and threads of every
# agent, and per thread name (bench/lib/idle_sample.py). --busy CHECKS measures agents at work
# instead: through the windows each variant's own coordinator runs CHECKS tcp checks `on: all`
# against its cluster (loopback listeners) back to back, and the number of runs is printed.
#
#   bash bench/agent-idle.sh [--size N] [--busy CHECKS] [--warmup S] [--windows N] [--seconds S] VARIANT...
#
# VARIANT is LABEL=ROOT[:HOCON[:VAR=VALUE,VAR=VALUE]]: ROOT's Release build of conn-check-agent
# (build it first), HOCON an extra --hocon file for every agent ("-" for none), then environment
# settings (DOTNET_* knobs). At most 8 agents in all (variants x size). Nothing is built here.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
refuse_realtime

warmup=60 windows=5 seconds=60 size=2 busy=0 variants=()
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift ;;
    --busy) busy=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --windows) windows=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) variants+=("$1") ;;
  esac
  shift
done
[[ "$warmup$windows$seconds$size$busy" =~ ^[0-9]+$ ]] || { echo "--size, --busy, --warmup, --windows, --seconds: whole numbers" >&2; exit 2; }
[ "$size" -ge 1 ] && [ ${#variants[@]} -ge 1 ] && [ $(( ${#variants[@]} * size )) -le 8 ] || { echo "1 or more variants, --size 1 or more, at most 8 agents in all" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1

work=$(mktemp -d /tmp/conncheck-idle.XXXXXX)
pids=() agent_pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# The membership check below may wait long for a JIT coordinator on a loaded machine.
printf 'conn-check.coordinator.discovery-timeout = 15s\n' > "$work/coordinator.hocon"
free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }

if [ "$busy" -gt 0 ]; then
  python3 bench/lib/listeners.py "$work/ports" 50 3600 &
  pids+=($!)
  for _ in $(seq 100); do [ -f "$work/ports" ] && break; sleep 0.1; done
  read -r -a ports < "$work/ports" || true
  [ ${#ports[@]} -eq 50 ] || { echo "loopback listeners did not start" >&2; exit 1; }
  { echo "checks:"; for c in $(seq 0 $((busy - 1))); do echo "  - { type: tcp, name: c$c, from: z1, host: 127.0.0.1, port: ${ports[$((c % 50))]} }"; done; } > "$work/busy.yaml"
fi

specs=() seeds=() roots=() i=0
for v in "${variants[@]}"; do
  label=${v%%=*} rest=${v#*=}
  IFS=: read -r root hocon envs <<< "$rest"
  dll="$root/src/Agent/bin/Release/net10.0/conn-check-agent.dll"
  [ -f "$dll" ] || { echo "no Release build of the agent under $root" >&2; exit 1; }
  hocon_args=()
  [ -n "${hocon:-}" ] && [ "$hocon" != "-" ] && hocon_args=(--hocon "$(cd "$(dirname "$hocon")" && pwd)/$(basename "$hocon")")
  env_args=()
  [ -n "${envs:-}" ] && IFS=, read -r -a env_args <<< "$envs"
  seed=""
  for j in $(seq 1 "$size"); do
    ip="127.0.21.$((size * i + j))"
    port=$(free_port "$ip")
    name="$label-seed" seed_args=()
    if [ "$j" -gt 1 ]; then name="$label-member$j" seed_args=(--seed "$seed"); [ "$size" = 2 ] && name="$label-member"; fi
    env "${env_args[@]}" dotnet "$dll" --zone z1 --name "$name" --bind "$ip:$port" "${seed_args[@]}" "${hocon_args[@]}" > "$work/$name.log" 2>&1 &
    pids+=($!) agent_pids+=($!) specs+=("$name=$!")
    [ "$j" = 1 ] && seed="$ip:$port"
  done
  seeds+=("$seed") roots+=("$root")
  i=$((i + 1))
done
echo "agent-idle: ${#agent_pids[@]} agents started (clusters of $size); warm-up ${warmup} s; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
sleep "$warmup"
for pid in "${agent_pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "an agent exited during warm-up:" >&2; tail -3 "$work"/*.log >&2; exit 1; }; done
# Whether each cluster has formed (what its seed's membership says), so a slow start is not mistaken for a small cluster.
for k in "${!seeds[@]}"; do
  echo "variant ${variants[$k]%%=*}: $(dotnet "${roots[$k]}/src/Coordinator/bin/Release/net10.0/conn-check.dll" agents --seed "${seeds[$k]}" --hocon "$work/coordinator.hocon" 2>&1 | head -1)"
done
if [ "$busy" -gt 0 ]; then
  # One coordinator per variant, run after run, until the sampling ends; each run's report must be OK.
  for k in "${!seeds[@]}"; do
    (
      n=0
      while [ ! -f "$work/stop" ]; do
        dotnet "${roots[$k]}/src/Coordinator/bin/Release/net10.0/conn-check.dll" "$work/busy.yaml" --seed "${seeds[$k]}" > "$work/busy-$k.out" 2>&1 || { echo "busy run failed: $(head -1 "$work/busy-$k.out")" >&2; break; }
        n=$((n + 1))
      done
      echo "$n" > "$work/busy-$k.runs"
    ) &
    pids+=($!)
  done
fi
python3 bench/lib/idle_sample.py "$windows" "$seconds" "${specs[@]}"
touch "$work/stop"
if [ "$busy" -gt 0 ]; then
  for k in "${!seeds[@]}"; do
    for _ in $(seq 600); do [ -f "$work/busy-$k.runs" ] && break; sleep 0.1; done
    echo "variant ${variants[$k]%%=*}: $(cat "$work/busy-$k.runs" 2>/dev/null || echo '?') coordinator runs of $busy checks through $size agent(s) during the windows"
  done
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
