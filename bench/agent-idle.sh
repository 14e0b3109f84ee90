#!/usr/bin/env bash
# Idle agent CPU, several builds or settings side by side in the same windows: for each variant a
# 2-agent cluster (a seed and a member) on 127.0.21.x; after --warmup seconds, --windows windows of
# --seconds each: CPU ms/s (utime+stime from /proc/PID/task/*/stat) and wakeups/s (voluntary +
# involuntary context switches) of every agent, and per thread name (bench/lib/idle_sample.py).
#
#   bash bench/agent-idle.sh [--warmup S] [--windows N] [--seconds S] VARIANT...
#
# VARIANT is LABEL=ROOT[:HOCON[:VAR=VALUE,VAR=VALUE]]: ROOT's Release build of conn-check-agent
# (build it first), HOCON an extra --hocon file for both agents ("-" for none), then environment
# settings (DOTNET_* knobs). At most 4 variants (8 agents). Nothing is built here.
set -euo pipefail
cd "$(dirname "$0")/.."

warmup=60 windows=5 seconds=60 variants=()
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) warmup=$2; shift ;;
    --windows) windows=$2; shift ;;
    --seconds) seconds=$2; shift ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) variants+=("$1") ;;
  esac
  shift
done
[ ${#variants[@]} -ge 1 ] && [ ${#variants[@]} -le 4 ] || { echo "1..4 variants (at most 8 agents)" >&2; exit 2; }
[[ "$warmup$windows$seconds" =~ ^[0-9]+$ ]] || { echo "--warmup, --windows, --seconds: whole numbers" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1

work=$(mktemp -d /tmp/conncheck-idle.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }

specs=() i=0
for v in "${variants[@]}"; do
  label=${v%%=*} rest=${v#*=}
  IFS=: read -r root hocon envs <<< "$rest"
  dll="$root/src/Agent/bin/Release/net10.0/conn-check-agent.dll"
  [ -f "$dll" ] || { echo "no Release build of the agent under $root" >&2; exit 1; }
  hocon_args=()
  [ -n "${hocon:-}" ] && [ "$hocon" != "-" ] && hocon_args=(--hocon "$(cd "$(dirname "$hocon")" && pwd)/$(basename "$hocon")")
  env_args=()
  [ -n "${envs:-}" ] && IFS=, read -r -a env_args <<< "$envs"
  seed_ip="127.0.21.$((2 * i + 1))" member_ip="127.0.21.$((2 * i + 2))"
  seed_port=$(free_port "$seed_ip") member_port=$(free_port "$member_ip")
  env "${env_args[@]}" dotnet "$dll" --zone z1 --name "$label-seed" --bind "$seed_ip:$seed_port" "${hocon_args[@]}" > "$work/$label-seed.log" 2>&1 &
  pids+=($!) specs+=("$label-seed=$!")
  env "${env_args[@]}" dotnet "$dll" --zone z1 --name "$label-member" --bind "$member_ip:$member_port" --seed "$seed_ip:$seed_port" "${hocon_args[@]}" > "$work/$label-member.log" 2>&1 &
  pids+=($!) specs+=("$label-member=$!")
  i=$((i + 1))
done
echo "agent-idle: ${#pids[@]} agents started; warm-up ${warmup} s; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
sleep "$warmup"
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "an agent exited during warm-up:" >&2; tail -3 "$work"/*.log >&2; exit 1; }; done
python3 bench/lib/idle_sample.py "$windows" "$seconds" "${specs[@]}"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
