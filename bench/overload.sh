#!/usr/bin/env bash
# Overload: one coordinator run of 20,000 tcp checks across 4 agents in 4 zones, on loopback.
# Prints the wall time, that every check was reported, and the peak RSS of the coordinator
# (/usr/bin/time -v "Maximum resident set size") and of each agent (VmHWM from /proc/PID/status).
# Usage: bash bench/overload.sh [--no-build] [--checks N] [--tls]
#   --tls   the same run with mutual TLS on every connection (certificates made with openssl)
set -euo pipefail
cd "$(dirname "$0")/.."

build=1 checks=20000 tls=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --checks) checks=$2; shift ;;
    --tls) tls=1 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done
[ "$checks" -ge 4 ] && [ "$checks" -le 100000 ] || { echo "checks must be 4..100000" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

source bench/lib/common.sh
bench_setup "$build" overload
start_listeners 20

hocon=()
if [ "$tls" = 1 ]; then
  (
    cd "$work"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 2 \
      -subj "/CN=bench CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' > node.ext
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout node.key -out node.csr -subj "/CN=conn-check-bench" 2>/dev/null
    openssl x509 -req -in node.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile node.ext -out node.pem 2>/dev/null
  )
  printf 'conn-check.tls { enabled = on, certificate = "%s", key = "%s", ca = "%s" }\n' "$work/node.pem" "$work/node.key" "$work/ca.pem" > "$work/tls.hocon"
  hocon=(--hocon "$work/tls.hocon")
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
zones=(z1 z2 z3 z4)
agent_pids=()
seed=""
for zone in "${zones[@]}"; do
  port=$(free_port)
  seed_args=()
  [ -n "$seed" ] && seed_args=(--seed "$seed")
  dotnet "$agent" --zone "$zone" --name "$zone-1" --bind "127.0.0.1:$port" "${seed_args[@]}" "${hocon[@]}" > "$work/$zone.log" 2>&1 &
  agent_pids+=($!)
  pids+=($!)
  [ -z "$seed" ] && seed="127.0.0.1:$port"
done
for _ in $(seq 90); do
  dotnet "$coordinator" agents --seed "$seed" "${hocon[@]}" 2>/dev/null | grep -q ": 4 agent(s)" && break
  sleep 1
done
dotnet "$coordinator" agents --seed "$seed" "${hocon[@]}" | grep -q ": 4 agent(s)" || { echo "the 4 agents did not form a cluster" >&2; exit 1; }

per_zone=$((checks / 4))
total=$((per_zone * 4))
{
  echo "zones: { z1: {}, z2: {}, z3: {}, z4: {} }"
  echo "checks:"
  for zone in "${zones[@]}"; do
    for i in $(seq 0 $((per_zone - 1))); do
      echo "  - { type: tcp, name: '$zone-$i', from: $zone, host: 127.0.0.1, port: ${ports[$((i % ${#ports[@]}))]} }"
    done
  done
} > "$work/overload.yaml"

start=$(date +%s%N)
status=0
/usr/bin/time -v -o "$work/time.txt" dotnet "$coordinator" "$work/overload.yaml" --seed "$seed" "${hocon[@]}" --max-timeout 300 > "$work/out.txt" 2> "$work/err.txt" || status=$?
end=$(date +%s%N)

# Result lines: after the status line, up to the per-result perfdata that a "| " line opens.
reported=$(awk 'NR == 1 { next } /^\| / { exit } { n++ } END { print n + 0 }' "$work/out.txt")
echo
echo "conn-check overload ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)), TLS $([ "$tls" = 1 ] && echo on || echo off)"
echo "status line:       $(head -1 "$work/out.txt" | cut -c1-120)"
echo "exit code:         $status"
echo "checks reported:   $reported of $total"
echo "wall time:         $(( (end - start) / 1000000 )) ms"
echo "coordinator peak:  $(awk -F': ' '/Maximum resident set size/ {printf "%.0f MB", $2/1024}' "$work/time.txt")"
for i in "${!zones[@]}"; do
  echo "agent ${zones[$i]}-1 peak:   $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/${agent_pids[$i]}/status")"
done
if [ "$status" != 0 ] || [ "$reported" != "$total" ] || ! head -1 "$work/out.txt" | grep -q "^CONN-CHECK OK: $total checks passed"; then
  echo "FAILED: not every check passed and was reported" >&2
  head -5 "$work/out.txt" >&2
  head -20 "$work/err.txt" >&2
  exit 1
fi
