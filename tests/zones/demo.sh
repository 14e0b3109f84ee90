#!/usr/bin/env bash
# Builds the zones network (netns.sh), starts three agents in their namespaces, runs the coordinator
# in its own namespace, prints the report and export-fw's rules, then tears everything down (also on
# Ctrl-C or failure). Needs root and a Release build: dotnet build -c Release
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
coordinator="$root/src/Coordinator/bin/Release/net10.0/conn-check.dll"
agent="$root/src/Agent/bin/Release/net10.0/conn-check-agent.dll"
[ -f "$coordinator" ] && [ -f "$agent" ] || { echo "build first: dotnet build -c Release" >&2; exit 1; }

prefix="demo$(openssl rand -hex 3)"
dir=$(mktemp -d /tmp/conncheck-zones-demo.XXXXXX)
trap 'bash "$root/tests/zones/netns.sh" down "$prefix"; rm -rf "$dir"' EXIT
bash "$root/tests/zones/netns.sh" up "$prefix" "$dir"
# shellcheck disable=SC1091
source "$dir/env"

start_agent() { # NS ZONE NAME ADDR [SEED]
  ip netns exec "$1" timeout 600 dotnet "$agent" --zone "$2" --name "$3" --bind "$4:4550" ${5:+--seed "$5"} > "$dir/$3.log" 2>&1 &
}
seed="$WEB_1_ADDR:4550"
start_agent "$WEB_1_NS" web web-1 "$WEB_1_ADDR"
start_agent "$WEB_2_NS" web web-2 "$WEB_2_ADDR" "$seed"
start_agent "$BATCH_1_NS" batch batch-1 "$BATCH_1_ADDR" "$seed"

cc() { ip netns exec "$COORD_NS" dotnet "$coordinator" "$@"; }
deadline=$((SECONDS + 60))
until cc agents --seed "$seed" 2>/dev/null | grep -q ': 3 agent(s)'; do
  [ $SECONDS -lt $deadline ] || { echo "agents did not join within 60 s" >&2; tail -n 20 "$dir"/*.log >&2; exit 1; }
  sleep 1
done
cc agents --seed "$seed"

cat > "$dir/checks.yaml" <<YAML
zones:
  web: { min_agents: 2 }
  batch: {}
defaults:
  timeout: 3
checks:
  - type: postgres
    from: [web, batch]
    host: $SVC_ADDR
    port: 5432
    username: app
    password: \${PG_PASSWORD}
    database: app
  - type: redis
    from: [web, batch]
    host: $SVC_ADDR
    port: 6379
    password: \${REDIS_PASSWORD}
  - type: tcp
    from: [web, batch]
    host: $SVC_ADDR
    port: 7001
  - type: tcp
    name: batch must not reach 7002
    from: batch
    host: $SVC_ADDR
    port: 7002
    reachable: false
YAML
echo; echo "== conn-check (in $COORD_NS) =="
PG_PASSWORD=$PG_PASSWORD REDIS_PASSWORD=$REDIS_PASSWORD cc "$dir/checks.yaml" --seed "$seed" || true
echo; echo "== conn-check export-fw =="
PG_PASSWORD=x REDIS_PASSWORD=x cc export-fw "$dir/checks.yaml" --seed "$seed" | tee "$dir/egress.yaml"
echo; echo "== conn-check convert-fw --type iptables =="
dotnet "$coordinator" convert-fw --type iptables "$dir/egress.yaml"
