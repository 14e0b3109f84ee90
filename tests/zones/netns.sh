#!/usr/bin/env bash
# A multi-zone network on one machine, built from Linux network namespaces, for the zones tests and
# tests/zones/demo.sh. Every address below exists only inside the namespaces this script creates;
# nothing is routed anywhere else (hosts get a route for 10.77.0.0/16 only, no default route).
#
#   PREFIX-web-1  10.77.1.11 ┐
#   PREFIX-web-2  10.77.1.12 ┴─ bridge 10.77.1.1 ┐
#   PREFIX-batch-1 10.77.2.11 ── 10.77.2.1        ├─ PREFIX-router (iptables FORWARD: the zone firewall)
#   PREFIX-coord  10.77.8.10 ── 10.77.8.1         │
#   PREFIX-svc    10.77.9.10 ── 10.77.9.1        ┘  PostgreSQL :5432, Redis :6379 (passwords),
#                                                    TCP listeners :7001-7003, UDP echo :7004
#
# Usage: netns.sh up PREFIX DIR [zoned|open]   build it; DIR/env gets names, addresses, passwords
#        netns.sh down PREFIX [DIR]            kill every process in PREFIX-* namespaces, delete them
# PREFIX: 2-12 characters [a-z0-9], unique per run. zoned (default): the router's firewall allows
# some zone→service paths and DROPs or REJECTs others (see router_rules); open: it forwards all.
set -euo pipefail

usage() { echo "usage: netns.sh up PREFIX DIR [zoned|open] | down PREFIX [DIR]" >&2; exit 2; }
fail() { echo "netns.sh: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" >&2; exit 1; }

action=${1:-}; prefix=${2:-}
[[ "$prefix" =~ ^[a-z0-9]{2,12}$ ]] || usage

SERVICE_LIFETIME=${SERVICE_LIFETIME:-1800}
hosts=(web-1 web-2 batch-1 coord svc)
declare -A address=([web-1]=10.77.1.11 [web-2]=10.77.1.12 [batch-1]=10.77.2.11 [coord]=10.77.8.10 [svc]=10.77.9.10)
declare -A gateway=([web-1]=10.77.1.1 [web-2]=10.77.1.1 [batch-1]=10.77.2.1 [coord]=10.77.8.1 [svc]=10.77.9.1)
router="$prefix-router"
veth=r bridge_gateway=10.77.1.1
# shellcheck source=tests/zones/estate-lib.sh
source "$(dirname "$0")/estate-lib.sh"
down() { estate_down; }

host_routes() {
  if [ "$1" = coord ]; then
    # One route per subnet, so a test can take one away ("no route to host").
    for net in 10.77.1.0/24 10.77.2.0/24 10.77.9.0/24; do ip -n "$2" route add "$net" via "${gateway[$1]}"; done
  else
    ip -n "$2" route add 10.77.0.0/16 via "${gateway[$1]}"
  fi
}

router_rules() {
  local mode=$1
  local r=(ip netns exec "$router" iptables)
  "${r[@]}" -P FORWARD DROP
  "${r[@]}" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  "${r[@]}" -A FORWARD -i brweb -o brweb -j ACCEPT
  if [ "$mode" = open ]; then
    "${r[@]}" -A FORWARD -j ACCEPT
    return
  fi
  # Agents form one cluster across zones; the coordinator talks to every agent and they answer it.
  "${r[@]}" -N cluster
  "${r[@]}" -A FORWARD -d 10.77.1.0/24 -p tcp --dport 4550 -j cluster
  "${r[@]}" -A FORWARD -d 10.77.2.0/24 -p tcp --dport 4550 -j cluster
  "${r[@]}" -A cluster -s 10.77.1.0/24 -j ACCEPT
  "${r[@]}" -A cluster -s 10.77.2.0/24 -j ACCEPT
  "${r[@]}" -A cluster -s 10.77.8.0/24 -j ACCEPT
  "${r[@]}" -A FORWARD -s 10.77.1.0/24 -d 10.77.8.0/24 -p tcp -j ACCEPT
  "${r[@]}" -A FORWARD -s 10.77.2.0/24 -d 10.77.8.0/24 -p tcp -j ACCEPT
  # Zone → services. Anything not listed falls through to the DROP policy.
  "${r[@]}" -N web-svc
  "${r[@]}" -N batch-svc
  "${r[@]}" -N coord-svc
  "${r[@]}" -A FORWARD -s 10.77.1.0/24 -d 10.77.9.0/24 -j web-svc
  "${r[@]}" -A FORWARD -s 10.77.2.0/24 -d 10.77.9.0/24 -j batch-svc
  "${r[@]}" -A FORWARD -s 10.77.8.0/24 -d 10.77.9.0/24 -j coord-svc
  "${r[@]}" -A web-svc -p tcp --dport 5432 -j ACCEPT
  "${r[@]}" -A web-svc -p tcp --dport 6379 -j ACCEPT
  "${r[@]}" -A web-svc -p tcp --dport 7001 -j ACCEPT
  "${r[@]}" -A web-svc -p tcp --dport 7002 -j ACCEPT
  "${r[@]}" -A web-svc -p tcp --dport 7003 -j REJECT --reject-with tcp-reset
  "${r[@]}" -A web-svc -p udp --dport 7004 -j ACCEPT
  "${r[@]}" -A batch-svc -p tcp --dport 5432 -j DROP
  "${r[@]}" -A batch-svc -p tcp --dport 6379 -j REJECT --reject-with tcp-reset
  "${r[@]}" -A batch-svc -p tcp --dport 7001 -j ACCEPT
  "${r[@]}" -A batch-svc -p tcp --dport 7002 -j DROP
  "${r[@]}" -A batch-svc -p tcp --dport 7003 -j REJECT --reject-with tcp-reset
  "${r[@]}" -A batch-svc -p udp --dport 7004 -j REJECT --reject-with icmp-port-unreachable
  "${r[@]}" -A coord-svc -p tcp --dport 7001 -j ACCEPT
}

up() {
  local dir=$1 mode=$2
  [ -d "$dir" ] || fail "$dir is not a directory"
  dir=$(cd "$dir" && pwd)
  # A failure half-way leaves nothing behind.
  trap 'status=$?; [ $status -ne 0 ] && down; exit $status' EXIT

  estate_hosts "$dir"
  router_rules "$mode"

  local svc; svc=$(ns svc)
  local pg_pass redis_pass
  pg_pass="pg-$(openssl rand -hex 8)"; redis_pass="redis-$(openssl rand -hex 8)"

  # PostgreSQL from the Debian packages, as tests/servers/start.sh runs it, on the services address.
  chmod 711 "$dir"
  local pg="$dir/postgres" pg_bin
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$pg_bin" ] || fail "PostgreSQL is not installed (tests/setup/install-deps.sh)"
  mkdir -p "$pg/socket"; chown -R postgres: "$pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$pg/data" -U postgres -E UTF8 --no-sync \
    --auth-local=trust --auth-host=scram-sha-256 > "$pg/initdb.log" 2>&1 || fail "initdb failed" "$pg/initdb.log"
  printf 'local all postgres trust\nhost all all 10.77.0.0/16 scram-sha-256\n' > "$pg/data/pg_hba.conf"
  in_ns "$svc" runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
    -o "-c listen_addresses=${address[svc]} -p 5432 -k $pg/socket -c fsync=off -c shared_buffers=16MB" start > /dev/null \
    || fail "postgres did not start" "$pg/server.log"
  in_ns "$svc" runuser -u postgres -- "$pg_bin/psql" -q -h "$pg/socket" -p 5432 -U postgres -d postgres \
    -c "CREATE ROLE app LOGIN PASSWORD '$pg_pass'" -c "CREATE DATABASE app OWNER app" > /dev/null

  # Redis with a password; plain TCP listeners and a UDP echo (python3), all with a bounded lifetime.
  mkdir -p "$dir/redis"
  printf 'bind %s\nport 6379\nrequirepass %s\nsave ""\nappendonly no\ndir %s\n' "${address[svc]}" "$redis_pass" "$dir/redis" > "$dir/redis/redis.conf"
  in_ns "$svc" timeout "$SERVICE_LIFETIME" redis-server "$dir/redis/redis.conf" > "$dir/redis/redis.log" 2>&1 &
  in_ns "$svc" timeout "$SERVICE_LIFETIME" /usr/bin/python3 "$(dirname "$0")/listeners.py" "${address[svc]}" 7001 7002 7003 --udp 7004 \
    > "$dir/listeners.log" 2>&1 &

  local deadline=$((SECONDS + 30))
  until in_ns "$svc" bash -c "exec 3<>/dev/tcp/${address[svc]}/6379" 2>/dev/null && grep -q '^ready' "$dir/listeners.log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "redis or the listeners did not start" "$dir/redis/redis.log"
    sleep 0.1
  done

  {
    estate_env
    echo "PG_USER=app"
    echo "PG_PASSWORD=$pg_pass"
    echo "PG_DATABASE=app"
    echo "REDIS_PASSWORD=$redis_pass"
  } > "$dir/env"
  trap - EXIT
}

case "$action" in
  up) up "${3:?usage: netns.sh up PREFIX DIR [zoned|open]}" "${4:-zoned}" ;;
  down) down ;;
  *) usage ;;
esac
