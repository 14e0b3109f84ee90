#!/usr/bin/env bash
# Wall-clock benchmark of conn-check's local fan-out.
#   1. startup:   conn-check --version (the floor every run pays)
#   2. loopback:  1,000 tcp checks against loopback listeners (a bounded Python asyncio server)
#   3. blackhole: 200 tcp checks against a port whose SYNs are DROPped, --connect-timeout 1
#                 (inside a private network namespace pair; the floor is 1 s)
# Median of 5 runs with hyperfine when it is installed (apt-get install hyperfine), else a bash loop.
# Usage: bash bench/tcp-fanout.sh [--no-build] [--checks N] [--blackholed N] [--runs N]
# Needs root for the namespace part (ip netns, iptables: tests/setup/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/common.sh
refuse_realtime
root=$(pwd)

build=1 checks=1000 blackholed=200 runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --checks) checks=$2; shift ;;
    --blackholed) blackholed=$2; shift ;;
    --runs) runs=$2; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$checks" -le 20000 ] && [ "$blackholed" -le 2000 ] && [ "$runs" -le 50 ] || { echo "refusing unbounded sizes" >&2; exit 2; }

if [ "$build" = 1 ]; then
  dotnet build -c Release ConnCheck.Distributed.sln -nologo -clp:ErrorsOnly >/dev/null
fi
dll="$root/src/Coordinator/bin/Release/net10.0/conn-check.dll"
[ -f "$dll" ] || { echo "missing $dll: build first" >&2; exit 1; }

work=$(mktemp -d /tmp/conncheck-bench.XXXXXX)
id=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
client_ns="ccb-client-$id" target_ns="ccb-target-$id"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  ip netns del "$client_ns" 2>/dev/null || true
  ip netns del "$target_ns" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Loopback listeners: 10 ports that accept and close every connection; the server ends itself after 15 minutes.
ports_file="$work/ports"
python3 - "$ports_file" <<'PY' &
import asyncio, sys
async def handle(reader, writer):
    writer.close()
async def main():
    servers = [await asyncio.start_server(handle, "127.0.0.1", 0, backlog=4096) for _ in range(10)]
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(" ".join(str(s.sockets[0].getsockname()[1]) for s in servers))
    import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    await asyncio.sleep(900)
asyncio.run(main())
PY
server_pid=$!
for _ in $(seq 100); do [ -f "$ports_file" ] && break; sleep 0.1; done
read -r -a ports < "$ports_file" || true
[ ${#ports[@]} -eq 10 ] || { echo "loopback listeners did not start" >&2; exit 1; }

loopback_config="$work/loopback.yaml"
for i in $(seq 0 $((checks - 1))); do
  echo "- { type: tcp, host: 127.0.0.1, port: ${ports[$((i % ${#ports[@]}))]}, name: check-$i }"
done > "$loopback_config"

# Black hole: 10.254.0.2 exists only in the target namespace, whose firewall drops port 9000-9999.
blackhole_config="$work/blackhole.yaml"
for i in $(seq 0 $((blackholed - 1))); do
  echo "- { type: tcp, host: 10.254.0.2, port: $((9000 + i % 1000)), name: hole-$i }"
done > "$blackhole_config"
ip netns add "$client_ns"
ip netns add "$target_ns"
ip link add "vb$id" netns "$client_ns" type veth peer name "wb$id" netns "$target_ns"
ip -n "$client_ns" addr add 10.254.0.1/30 dev "vb$id"
ip -n "$target_ns" addr add 10.254.0.2/30 dev "wb$id"
ip -n "$client_ns" link set "vb$id" up
ip -n "$target_ns" link set "wb$id" up
ip -n "$client_ns" link set lo up
ip netns exec "$target_ns" iptables -A INPUT -p tcp --dport 9000:9999 -j DROP

# Sanity: the loopback run must be all OK, the black-hole run all timed out.
dotnet "$dll" "$loopback_config" > "$work/loopback.out" || { echo "loopback run did not pass:"; head -5 "$work/loopback.out"; exit 1; }
ip netns exec "$client_ns" dotnet "$dll" --connect-timeout 1 "$blackhole_config" > "$work/blackhole.out" || true
grep -q "^CONN-CHECK CRITICAL: $blackholed of $blackholed checks failed" "$work/blackhole.out" || { echo "black-hole run unexpected:"; head -3 "$work/blackhole.out"; exit 1; }

declare -A median min max
have_hyperfine() { [ -z "${BENCH_NO_HYPERFINE:-}" ] && command -v hyperfine >/dev/null; }
measure() { # name, command...
  local name=$1; shift
  if have_hyperfine; then
    hyperfine --runs "$runs" --warmup 1 -N -i --export-json "$work/$name.json" "$(printf '%q ' "$@")" >/dev/null 2>&1
    read -r median["$name"] min["$name"] max["$name"] < <(python3 -c '
import json,sys; r=json.load(open(sys.argv[1]))["results"][0]
print("%.3f %.3f %.3f" % (r["median"], r["min"], r["max"]))' "$work/$name.json")
  else
    local times=()
    "$@" >/dev/null 2>&1 || true
    for _ in $(seq "$runs"); do
      local start end; start=$(date +%s%N)
      "$@" >/dev/null 2>&1 || true
      end=$(date +%s%N)
      times+=("$(( (end - start) / 1000000 ))")
    done
    read -r median["$name"] min["$name"] max["$name"] < <(printf '%s\n' "${times[@]}" | sort -n | python3 -c '
import sys; t=[int(x)/1000 for x in sys.stdin.read().split()]
print(f"{t[len(t)//2]:.3f} {t[0]:.3f} {t[-1]:.3f}")')
  fi
}

measure startup dotnet "$dll" --version
measure loopback dotnet "$dll" "$loopback_config"
measure blackhole ip netns exec "$client_ns" dotnet "$dll" --connect-timeout 1 "$blackhole_config"

tool=$(have_hyperfine && echo "hyperfine, median of $runs" || echo "bash loop, median of $runs")
printf '\nconn-check tcp fan-out (%s, %s cores)\n' "$tool" "$(nproc)"
printf '%-34s %8s %9s %9s %9s\n' scenario checks median min max
printf '%-34s %8s %8ss %8ss %8ss\n' "startup (--version)" 0 "${median[startup]}" "${min[startup]}" "${max[startup]}"
printf '%-34s %8s %8ss %8ss %8ss\n' "loopback, all OK" "$checks" "${median[loopback]}" "${min[loopback]}" "${max[loopback]}"
printf '%-34s %8s %8ss %8ss %8ss\n' "black-holed, --connect-timeout 1" "$blackholed" "${median[blackhole]}" "${min[blackhole]}" "${max[blackhole]}"
