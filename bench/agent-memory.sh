#!/usr/bin/env bash
# Agent memory under runtime settings, side by side in one run: for each variant, --runs fresh
# agents (a seed and one member, so both are cluster members) on 127.0.19.x; idle RSS once the
# cluster has formed and settled, then RSS after one run of --checks tcp checks on the member.
# RSS is RssAnon + RssFile of /proc/PID/status (RssShmem, the runtime's double-mapped code, apart).
# Idle CPU is the member's CPU ms per second over the --settle seconds before the idle RSS is read;
# run CPU the member's CPU (ms) for the --checks run; "then idle" its RSS another --settle seconds later.
#
#   bash bench/agent-memory.sh [--no-build] [--runs N] [--checks N] [--root DIR] [--published DIR]
#                              [--settle S] [--agent-hocon FILE] [--seed-copy] [--variants "NAME=ENV ..."]
#
# --published DIR runs DIR/conn-check-agent/conn-check-agent and DIR/conn-check/conn-check (a
# self-contained ReadyToRun publish, as packaging/build-debs.sh makes for the Debian packages)
# instead of ROOT's Release build. --agent-hocon FILE is given to both agents (--hocon), e.g. to
# switch conn-check.agent.idle-trim-after off. --seed-copy (with --published) runs the seed from a
# copy of DIR/conn-check-agent: the member's runtime and assemblies are then mapped by it alone, as on
# a host with one agent. Without it both map the same files, and the idle trim's MADV_PAGEOUT leaves
# every page the other agent maps too, so the member keeps what the seed touches (issue 19, fifth round).
# A variant is NAME=VAR:VALUE,VAR:VALUE (DOTNET_* settings, the same as runtimeconfig knobs);
# "shipped" is the agent as built. Medians over --runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
refuse_realtime

build=1 runs=3 checks=10000 root=$(pwd) published="" settle=5 agent_hocon=() seed_copy=0
variants="shipped= pgo-off=DOTNET_TieredPGO:0 conserve=DOTNET_GCConserveMemory:7 gen0-4m=DOTNET_GCgen0size:0x400000 no-tiered=DOTNET_TieredCompilation:0 gen0max-6m=DOTNET_GCgen0MaxBudget:0x600000 combined=DOTNET_TieredPGO:0,DOTNET_GCConserveMemory:7,DOTNET_GCgen0MaxBudget:0x600000"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --runs) runs=$2; shift ;;
    --checks) checks=$2; shift ;;
    --root) root=$(cd "$2" && pwd); shift ;;
    --published) published=$(cd "$2" && pwd); shift ;;
    --settle) settle=$2; shift ;;
    --agent-hocon) agent_hocon=(--hocon "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift ;;
    --variants) variants=$2; shift ;;
    --seed-copy) seed_copy=1 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 9 ] || { echo "--runs must be 1..9" >&2; exit 2; }
[[ "$checks" =~ ^[0-9]+$ ]] && [ "$checks" -le 50000 ] || { echo "--checks must be 0..50000" >&2; exit 2; }
[[ "$settle" =~ ^[0-9]+$ ]] && [ "$settle" -ge 1 ] && [ "$settle" -le 600 ] || { echo "--settle must be 1..600" >&2; exit 2; }
if [ -n "$published" ]; then
  coordinator=("$published/conn-check/conn-check") agent=("$published/conn-check-agent/conn-check-agent")
  [ -x "${agent[0]}" ] && [ -x "${coordinator[0]}" ] || { echo "no conn-check-agent/conn-check-agent and conn-check/conn-check under $published" >&2; exit 2; }
else
  [ "$build" = 1 ] && (cd "$root" && dotnet build -c Release ConnCheck.Distributed.sln -nologo -clp:ErrorsOnly >/dev/null)
  coordinator=(dotnet "$root/src/Coordinator/bin/Release/net10.0/conn-check.dll")
  agent=(dotnet "$root/src/Agent/bin/Release/net10.0/conn-check-agent.dll")
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1

work=$(mktemp -d /tmp/conncheck-agentmem.XXXXXX)
pids=() agents=()
cleanup() {
  for pid in "${agents[@]}" "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
seed_agent=("${agent[@]}")
if [ "$seed_copy" = 1 ]; then
  [ -n "$published" ] || { echo "--seed-copy needs --published" >&2; exit 2; }
  cp -a "$published/conn-check-agent" "$work/seed-agent"
  seed_agent=("$work/seed-agent/conn-check-agent")
fi

python3 bench/lib/listeners.py "$work/ports" 50 3600 &
pids+=($!)
for _ in $(seq 100); do [ -f "$work/ports" ] && break; sleep 0.1; done
read -r -a ports < "$work/ports" || true
[ ${#ports[@]} -eq 50 ] || { echo "loopback listeners did not start" >&2; exit 1; }
{
  echo "checks:"
  for i in $(seq 0 $((checks - 1))); do echo "  - { type: tcp, name: c$i, from: m, host: 127.0.0.1, port: ${ports[$((i % 50))]} }"; done
} > "$work/checks.yaml"

# A loaded shared machine can miss the coordinator's 3 s connection deadline; a run only waits for it when it fails.
printf 'conn-check.coordinator.discovery-timeout = 15s\n' > "$work/coordinator.hocon"

free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_mib() { awk '/^RssAnon:|^RssFile:/ {kb += $2} END {printf "%d", kb / 1024}' "/proc/$1/status"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one_run ENV...: prints "IDLE_SEED IDLE_MEMBER AFTER_MEMBER" in MiB
one_run() {
  local seed_port member_port seed_pid member_pid
  seed_port=$(free_port 127.0.19.201) member_port=$(free_port 127.0.19.202)
  env "$@" "${seed_agent[@]}" --zone s --name seed --bind "127.0.19.201:$seed_port" "${agent_hocon[@]}" > "$work/seed.log" 2>&1 &
  seed_pid=$!
  env "$@" "${agent[@]}" --zone m --name member --bind "127.0.19.202:$member_port" --seed "127.0.19.201:$seed_port" "${agent_hocon[@]}" > "$work/member.log" 2>&1 &
  member_pid=$!
  agents=("$seed_pid" "$member_pid")
  local up=0
  for _ in $(seq 60); do
    "${coordinator[@]}" agents --seed "127.0.19.201:$seed_port" --hocon "$work/coordinator.hocon" 2>/dev/null | grep -q " 2 agent(s)" && { up=1; break; }
    sleep 1
  done
  [ "$up" = 1 ] || { echo "agents did not cluster" >&2; tail -3 "$work/member.log" >&2; exit 1; }
  # settle: the greeting's allocations collected, gossip steady; the member's CPU meanwhile is its idle CPU
  local idle_seed idle_member ticks_before
  ticks_before=$(cpu_ticks "$member_pid")
  sleep "$settle"
  idle_seed=$(rss_mib "$seed_pid") idle_member=$(rss_mib "$member_pid")
  local idle_cpu=$((($(cpu_ticks "$member_pid") - ticks_before) * 1000 / $(getconf CLK_TCK) / settle))
  local run_cpu=0
  if [ "$checks" -gt 0 ]; then
    ticks_before=$(cpu_ticks "$member_pid")
    "${coordinator[@]}" "$work/checks.yaml" --seed "127.0.19.201:$seed_port" --hocon "$work/coordinator.hocon" > "$work/run.out" 2>&1 || true
    head -1 "$work/run.out" | grep -q "^CONN-CHECK OK: $checks checks passed" || { echo "run failed: $(head -1 "$work/run.out")" >&2; exit 1; }
    run_cpu=$((($(cpu_ticks "$member_pid") - ticks_before) * 1000 / $(getconf CLK_TCK)))
  fi
  local after_run
  after_run=$(rss_mib "$member_pid")
  sleep "$settle"
  echo "$idle_seed $idle_member $after_run $idle_cpu $run_cpu $(rss_mib "$member_pid")"
  kill "$seed_pid" "$member_pid" 2>/dev/null || true
  wait "$seed_pid" "$member_pid" 2>/dev/null || true
  agents=()
}

echo "agent RSS (RssAnon+RssFile, MiB) and the member's idle CPU (ms/s over ${settle}s after clustering), median of $runs; load average at start $(cut -d' ' -f1-3 /proc/loadavg); ${published:-$(git -C "$root" rev-parse --short HEAD)}${agent_hocon[1]:+, agents --hocon ${agent_hocon[1]}}$([ "$seed_copy" = 1 ] && echo ", seed from a copy")"
printf '%-16s %10s %12s %14s %12s %10s %10s  %s\n' variant "idle seed" "idle member" "after $checks" "then idle" "idle ms/s" "run cpu ms" settings
for v in $variants; do
  name=${v%%=*} settings=${v#*=}
  env_args=()
  IFS=, read -r -a pairs <<< "$settings"
  for p in "${pairs[@]}"; do [ -n "$p" ] && env_args+=("${p%%:*}=${p#*:}"); done
  s=() m=() a=() c=() u=() t=()
  for _ in $(seq "$runs"); do
    one_run "${env_args[@]}" > "$work/one"  # not in a subshell: a failed run stops the script
    read -r is im af ic uc ti < "$work/one"
    s+=("$is") m+=("$im") a+=("$af") c+=("$ic") u+=("$uc") t+=("$ti")
  done
  printf '%-16s %10s %12s %14s %12s %10s %10s  %s\n' "$name" "$(printf '%s\n' "${s[@]}" | median)" "$(printf '%s\n' "${m[@]}" | median)" "$(printf '%s\n' "${a[@]}" | median)" "$(printf '%s\n' "${t[@]}" | median)" "$(printf '%s\n' "${c[@]}" | median)" "$(printf '%s\n' "${u[@]}" | median)" "${settings:-as built}"
done
