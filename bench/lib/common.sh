# Shared by the bench scripts; source it from the repository root after parsing options.

# bench_setup BUILD NAME: builds Release when BUILD is 1, sets $coordinator and $agent, makes the
# work directory $work, and on exit kills every pid in $pids and removes $work.
bench_setup() {
  local build=$1 name=$2
  refuse_realtime
  [ "$build" = 1 ] && dotnet build -c Release ConnCheck.Distributed.sln -nologo -clp:ErrorsOnly >/dev/null
  coordinator="$(pwd)/src/Coordinator/bin/Release/net10.0/conn-check.dll"
  agent="$(pwd)/src/Agent/bin/Release/net10.0/conn-check-agent.dll"
  work=$(mktemp -d "/tmp/conncheck-$name.XXXXXX")
  pids=()
  trap bench_cleanup EXIT
}

# Every bench script that starts agents or coordinators calls this first. They must not run under a
# real-time policy (chrt -r/-f): their runtime spins
# (sched_yield) while it waits for threads that real-time threads on every core never let run. A
# restarted agent of the chaos estate at chrt -r 5 spun on both cores for 39 minutes in its remoting
# start and went on within a second of being moved back to SCHED_OTHER. Use nice -n -15 to keep a
# benchmark ahead of other work on a shared machine.
refuse_realtime() {
  if chrt -p $$ 2>/dev/null | grep -q 'SCHED_\(RR\|FIFO\|DEADLINE\)'; then
    echo "$(basename "$0"): do not run this under a real-time policy (chrt); use nice -n -15 instead" >&2
    exit 2
  fi
}

bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

# start_listeners COUNT [SECONDS]: COUNT loopback listeners that accept and close (they stop by
# themselves after SECONDS, 15 minutes by default); their ports go into the array $ports.
start_listeners() {
  python3 bench/lib/listeners.py "$work/ports" "$1" "${2:-900}" &
  pids+=($!)
  for _ in $(seq 100); do [ -f "$work/ports" ] && break; sleep 0.1; done
  read -r -a ports < "$work/ports" || true  # no trailing newline
}
