#!/usr/bin/env bash
# Where an idle agent's resident memory is, per mapping (/proc/PID/smaps), before its idle trim, just
# after it, and --later seconds after that: which mappings the idle agent faults back in.
# Two agents (a seed and a member, as in bench/agent-memory.sh); the seed runs from a copy of the
# publish, so the member's runtime and assemblies are mapped by it alone, as on a host with one agent
# (MADV_PAGEOUT leaves pages that another process maps too). The member is the one profiled.
#
#   bash bench/agent-smaps.sh --published DIR [--trim-after S] [--later S] [--top N] [--env VAR=VALUE,...]
#
# --published DIR: DIR/conn-check-agent/conn-check-agent and DIR/conn-check/conn-check (a
# self-contained publish, as packaging/build-debs.sh makes it). --trim-after: the agents'
# conn-check.agent.idle-trim-after (default 20 s, so that "before" is a clustered, settled agent).
# --env: settings (DOTNET_* knobs) for both agents. Prints the table of bench/lib/smaps.py and the
# member's page faults (minor, major) between "after" and "later".
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
refuse_realtime

published="" trim=20 later=10 top=25 envs=""
while [ $# -gt 0 ]; do
  case "$1" in
    --published) published=$(cd "$2" && pwd); shift ;;
    --trim-after) trim=$2; shift ;;
    --later) later=$2; shift ;;
    --top) top=$2; shift ;;
    --env) envs=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$published" ] || { echo "--published DIR is required" >&2; exit 2; }
[[ "$trim" =~ ^[0-9]+$ ]] && [ "$trim" -ge 5 ] && [ "$trim" -le 300 ] || { echo "--trim-after must be 5..300" >&2; exit 2; }
[[ "$later" =~ ^[0-9]+$ ]] && [ "$later" -ge 1 ] && [ "$later" -le 600 ] || { echo "--later must be 1..600" >&2; exit 2; }
coordinator="$published/conn-check/conn-check" agent="$published/conn-check-agent/conn-check-agent"
[ -x "$agent" ] && [ -x "$coordinator" ] || { echo "no conn-check-agent/conn-check-agent and conn-check/conn-check under $published" >&2; exit 2; }
env_args=()
IFS=, read -r -a pairs <<< "$envs"
for p in "${pairs[@]}"; do [ -n "$p" ] && env_args+=("$p"); done

work=$(mktemp -d /tmp/conncheck-agentsmaps.XXXXXX)
pids=()
trap bench_cleanup EXIT
trap 'exit 130' INT TERM
cp -a "$published/conn-check-agent" "$work/seed-agent"
printf 'conn-check.agent.idle-trim-after = %ss\n' "$trim" > "$work/agent.hocon"
printf 'conn-check.coordinator.discovery-timeout = 15s\n' > "$work/coordinator.hocon"

free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }
file_kb() { awk '/^RssFile:/ {print $2}' "/proc/$1/status"; }
faults() { awk '{print $10, $12}' "/proc/$1/stat"; }
now() { date +%s.%N; }
age_below() { awk -v s="$1" -v n="$(now)" -v lim="$2" 'BEGIN {exit !(n - s < lim)}'; }

seed_port=$(free_port 127.0.27.1) member_port=$(free_port 127.0.27.2)
env "${env_args[@]}" "$work/seed-agent/conn-check-agent" --zone s --name seed --bind "127.0.27.1:$seed_port" --hocon "$work/agent.hocon" > "$work/seed.log" 2>&1 &
pids+=($!)
started=$(now)
env "${env_args[@]}" "$agent" --zone m --name member --bind "127.0.27.2:$member_port" --seed "127.0.27.1:$seed_port" --hocon "$work/agent.hocon" > "$work/member.log" 2>&1 &
member=$!
pids+=("$member")
up=0
for _ in $(seq 60); do
  "$coordinator" agents --seed "127.0.27.1:$seed_port" --hocon "$work/coordinator.hocon" 2>/dev/null | grep -q " 2 agent(s)" && { up=1; break; }
  sleep 1
done
[ "$up" = 1 ] || { echo "agents did not cluster" >&2; tail -3 "$work/member.log" >&2; exit 1; }
age_below "$started" $((trim - 2)) || { echo "the cluster formed later than --trim-after - 2 s: raise --trim-after" >&2; exit 1; }
while age_below "$started" $((trim - 2)); do sleep 0.2; done
python3 bench/lib/smaps.py snapshot "$member" "$work/before.json"
before_kb=$(file_kb "$member")
# the trim: RssFile falls by more than 2 MiB within a few seconds of --trim-after
for _ in $(seq 100); do
  [ $(($(file_kb "$member") + 2048)) -lt "$before_kb" ] && break
  sleep 0.1
done
python3 bench/lib/smaps.py snapshot "$member" "$work/after.json"
read -r minor0 major0 <<< "$(faults "$member")"
sleep "$later"
python3 bench/lib/smaps.py snapshot "$member" "$work/later.json"
read -r minor1 major1 <<< "$(faults "$member")"
echo "member (${envs:-as built}); load average $(cut -d' ' -f1-3 /proc/loadavg); $published"
python3 bench/lib/smaps.py table --top "$top" "before trim=$work/before.json" "after trim=$work/after.json" "${later}s later=$work/later.json"
echo "page faults in the ${later}s after the trim: $((minor1 - minor0)) minor, $((major1 - major0)) major"
