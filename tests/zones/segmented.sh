#!/usr/bin/env bash
# A segmented estate on one machine, built from Linux network namespaces: three zones whose hosts
# cannot reach each other at all, a coordinator host that reaches every agent's port and nothing
# else, and a services host. Every address exists only inside the namespaces this script creates.
#
#   PREFIX-web-1   10.79.1.11 ┐ bridge 10.79.1.1 ┐
#   PREFIX-web-2   10.79.1.12 ┘                   │
#   PREFIX-batch-1 10.79.2.11 ── 10.79.2.1        ├─ PREFIX-router (iptables FORWARD)
#   PREFIX-ops-1   10.79.3.11 ── 10.79.3.1        │
#   PREFIX-coord   10.79.8.10 ── 10.79.8.1        │
#   PREFIX-svc     10.79.9.10 ── 10.79.9.1        ┘  TCP listeners :7001 :7002, UDP echo :7004
#
# Usage: segmented.sh up PREFIX DIR [segmented|flat]   DIR/env gets names and addresses
#        segmented.sh down PREFIX
# segmented (default): zone ↔ zone DROPped; the coordinator may open connections to the agents'
# ports 4550-4551 (4551: a second agent on a host) and nothing else (replies ride the established connection); every zone reaches the
# services' 7001, only web reaches 7002. flat: the router forwards everything.
set -euo pipefail

usage() { echo "usage: segmented.sh up PREFIX DIR [segmented|flat] | down PREFIX" >&2; exit 2; }
fail() { echo "segmented.sh: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" >&2; exit 1; }

action=${1:-}; prefix=${2:-}
[[ "$prefix" =~ ^[a-z0-9]{2,12}$ ]] || usage

SERVICE_LIFETIME=${SERVICE_LIFETIME:-1800}
hosts=(web-1 web-2 batch-1 ops-1 coord svc)
declare -A address=([web-1]=10.79.1.11 [web-2]=10.79.1.12 [batch-1]=10.79.2.11 [ops-1]=10.79.3.11 [coord]=10.79.8.10 [svc]=10.79.9.10)
declare -A gateway=([web-1]=10.79.1.1 [web-2]=10.79.1.1 [batch-1]=10.79.2.1 [ops-1]=10.79.3.1 [coord]=10.79.8.1 [svc]=10.79.9.1)
router="$prefix-router"
veth=s bridge_gateway=10.79.1.1
# shellcheck source=tests/zones/estate-lib.sh
source "$(dirname "$0")/estate-lib.sh"
down() { estate_down; }
host_routes() { ip -n "$2" route add 10.79.0.0/16 via "${gateway[$1]}"; }

router_rules() {
  local mode=$1
  local r=(ip netns exec "$router" iptables)
  "${r[@]}" -P FORWARD DROP
  "${r[@]}" -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
  if [ "$mode" = flat ]; then
    "${r[@]}" -A FORWARD -j ACCEPT
    return
  fi
  # Bridged traffic inside the web zone passes FORWARD too where br_netfilter is loaded: agent ↔ agent
  # inside one zone's cluster is the other path conn-check needs.
  "${r[@]}" -A FORWARD -i brweb -o brweb -j ACCEPT
  # The only opening conn-check itself needs across zones: coordinator → each agent's remoting port.
  for zone in 10.79.1.0/24 10.79.2.0/24 10.79.3.0/24; do
    "${r[@]}" -A FORWARD -s 10.79.8.0/24 -d "$zone" -p tcp --dport 4550:4551 -j ACCEPT
    # What the checks verify: every zone reaches 7001 and the UDP echo.
    "${r[@]}" -A FORWARD -s "$zone" -d 10.79.9.0/24 -p tcp --dport 7001 -j ACCEPT
    "${r[@]}" -A FORWARD -s "$zone" -d 10.79.9.0/24 -p udp --dport 7004 -j ACCEPT
  done
  "${r[@]}" -A FORWARD -s 10.79.1.0/24 -d 10.79.9.0/24 -p tcp --dport 7002 -j ACCEPT
}

up() {
  local dir=$1 mode=$2
  [ -d "$dir" ] || fail "$dir is not a directory"
  dir=$(cd "$dir" && pwd)
  trap 'status=$?; [ $status -ne 0 ] && down; exit $status' EXIT
  estate_hosts "$dir"
  router_rules "$mode"

  local svc; svc=$(ns svc)
  # A run opens a thousand connections at once: a short accept queue would drop SYNs and add 1 s retransmits.
  in_ns "$svc" sysctl -qw net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
  in_ns "$svc" timeout "$SERVICE_LIFETIME" /usr/bin/python3 "$(dirname "$0")/listeners.py" "${address[svc]}" 7001 7002 --udp 7004 \
    > "$dir/listeners.log" 2>&1 &
  local deadline=$((SECONDS + 30))
  until grep -q '^ready' "$dir/listeners.log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "the listeners did not start" "$dir/listeners.log"
    sleep 0.1
  done

  estate_env > "$dir/env"
  trap - EXIT
}

case "$action" in
  up) up "${3:?usage: segmented.sh up PREFIX DIR [segmented|flat]}" "${4:-segmented}" ;;
  down) down ;;
  *) usage ;;
esac
