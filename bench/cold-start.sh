#!/usr/bin/env bash
# Cold start: 1 tcp check through 1 agent, the coordinator's wall time, CPU (user+sys) and peak RSS,
# for one or more builds side by side, their runs alternated (ABAB...) so that load changes hit all.
# Each build runs its own agent (started once, settled, then --runs coordinator runs against it).
#
#   bash bench/cold-start.sh [--runs N] BUILD...
#
# A BUILD is a publish directory holding conn-check/conn-check and conn-check-agent/conn-check-agent
# (a self-contained ReadyToRun publish, as packaging/build-debs.sh makes: the build users run), or a
# checkout whose Release build is run with `dotnet`. Medians over --runs; CONN_CHECK_TIMINGS phases
# (ms since the previous mark) are medians too.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
refuse_realtime

runs=5 builds=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift ;;
    -*) echo "unknown argument: $1" >&2; exit 2 ;;
    *) builds+=("$(cd "$1" && pwd)") ;;
  esac
  shift
done
[[ "$runs" =~ ^[0-9]+$ ]] && [ "$runs" -ge 1 ] && [ "$runs" -le 15 ] || { echo "--runs must be 1..15" >&2; exit 2; }
[ ${#builds[@]} -ge 1 ] && [ ${#builds[@]} -le 6 ] || { echo "give 1..6 builds" >&2; exit 2; }

work=$(mktemp -d /tmp/conncheck-coldstart.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# command BUILD coordinator|agent: how to run that program of that build.
command() {
  if [ -x "$1/conn-check/conn-check" ]; then
    [ "$2" = agent ] && echo "$1/conn-check-agent/conn-check-agent" || echo "$1/conn-check/conn-check"
  else
    [ "$2" = agent ] && echo "dotnet $1/src/Agent/bin/Release/net10.0/conn-check-agent.dll" || echo "dotnet $1/src/Coordinator/bin/Release/net10.0/conn-check.dll"
  fi
}

python3 bench/lib/listeners.py "$work/ports" 1 900 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/ports" ] && break; sleep 0.1; done
[ -s "$work/ports" ] || { echo "loopback listener did not start" >&2; exit 1; }
printf 'checks:\n  - { type: tcp, name: c0, from: z, host: 127.0.0.1, port: %s }\n' "$(cat "$work/ports")" > "$work/one.yaml"

free_port() { python3 -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"; }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print a[int((NR+1)/2)]}'; }

seeds=()
for i in "${!builds[@]}"; do
  ip="127.0.19.$((221 + i))" port=$(free_port "127.0.19.$((221 + i))")
  # shellcheck disable=SC2046
  $(command "${builds[$i]}" agent) --zone z --name "a$i" --bind "$ip:$port" > "$work/agent-$i.log" 2>&1 &
  pids+=($!) seeds+=("$ip:$port")
done
for i in "${!builds[@]}"; do
  up=0
  for _ in $(seq 60); do
    $(command "${builds[$i]}" coordinator) agents --seed "${seeds[$i]}" 2>/dev/null | grep -q " 1 agent(s)" && { up=1; break; }
    sleep 1
  done
  [ "$up" = 1 ] || { echo "agent of ${builds[$i]} did not come up" >&2; tail -3 "$work/agent-$i.log" >&2; exit 1; }
done
sleep 5  # the agents' own start-up JIT out of the way

phase() { sed -n "s/^conn-check: timing: $2 *+ *\([0-9]*\)\.[0-9] ms.*/\1/p" "$1" | head -1; }
for r in $(seq "$runs"); do
  for i in "${!builds[@]}"; do
    CONN_CHECK_TIMINGS=1 /usr/bin/time -f "%e %U %S %M" -o "$work/time" $(command "${builds[$i]}" coordinator) "$work/one.yaml" --seed "${seeds[$i]}" > "$work/out" 2> "$work/err" || true
    head -1 "$work/out" | grep -q "^CONN-CHECK OK: 1 check passed" || { echo "run failed (${builds[$i]}): $(head -1 "$work/out")" >&2; grep -v timing "$work/err" | head -3 >&2; exit 1; }
    read -r e u s m < <(tail -1 "$work/time")
    echo "$(awk -v e="$e" 'BEGIN {printf "%d", e * 1000}') $(awk -v u="$u" -v s="$s" 'BEGIN {printf "%d", (u + s) * 1000}') $((m / 1024)) $(phase "$work/err" "config loaded") $(phase "$work/err" "agents found") $(phase "$work/err" "first result")" >> "$work/rows-$i"
  done
done

echo "1 check through 1 agent, median of $runs alternated runs; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%8s %8s %8s %10s %11s %10s  %s\n' "wall ms" "cpu ms" "rss MiB" "config ms" "agents ms" "first ms" build
for i in "${!builds[@]}"; do
  cols=()
  for c in 1 2 3 4 5 6; do cols+=("$(awk -v c="$c" '{print $c}' "$work/rows-$i" | median)"); done
  printf '%8s %8s %8s %10s %11s %10s  %s\n' "${cols[@]}" "${builds[$i]}"
done
echo "(config: process start to config loaded, remoting starting beside it; agents: to every agent greeted; first: to the first result)"
