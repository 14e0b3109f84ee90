#!/usr/bin/env bash
# Split-horizon DNS on one machine, for the dns check's zone tests: two zones whose hosts each run
# their own resolver (dnsmasq on 127.0.0.1:53, also the host's resolv.conf through
# /etc/netns/NAME/resolv.conf), giving different answers for the same name. Every address exists
# only inside the namespaces this script creates.
#
#   PREFIX-web-1   10.81.1.11 ── bridge 10.81.1.1 ┐  resolver: db.internal → 10.1.0.5
#   PREFIX-batch-1 10.81.2.11 ── 10.81.2.1         ├─ PREFIX-router (forwards everything)
#   PREFIX-coord   10.81.8.10 ── 10.81.8.1         ┘  resolver: db.internal → 10.2.0.5 (batch-1)
#
# Usage: dns-zones.sh up PREFIX DIR   DIR/env gets names and addresses
#        dns-zones.sh down PREFIX
set -euo pipefail

usage() { echo "usage: dns-zones.sh up PREFIX DIR | down PREFIX" >&2; exit 2; }
fail() { echo "dns-zones.sh: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 20 "$2" >&2; exit 1; }

action=${1:-}; prefix=${2:-}
[[ "$prefix" =~ ^[a-z0-9]{2,12}$ ]] || usage

SERVICE_LIFETIME=${SERVICE_LIFETIME:-1800}
hosts=(web-1 batch-1 coord)
declare -A address=([web-1]=10.81.1.11 [batch-1]=10.81.2.11 [coord]=10.81.8.10)
declare -A gateway=([web-1]=10.81.1.1 [batch-1]=10.81.2.1 [coord]=10.81.8.1)
declare -A answer=([web-1]=10.1.0.5 [batch-1]=10.2.0.5)
router="$prefix-router"
veth=d bridge_gateway=10.81.1.1
# shellcheck source=tests/zones/estate-lib.sh
source "$(dirname "$0")/estate-lib.sh"
down() {
  estate_down
  for h in "${hosts[@]}"; do rm -rf "/etc/netns/$(ns "$h")"; done
  rmdir /etc/netns 2>/dev/null || true
}
host_routes() { ip -n "$2" route add 10.81.0.0/16 via "${gateway[$1]}"; }

up() {
  local dir=$1
  [ -d "$dir" ] || fail "$dir is not a directory"
  dir=$(cd "$dir" && pwd)
  command -v dnsmasq >/dev/null || fail "dnsmasq is not installed (tests/setup/install-deps.sh)"
  trap 'status=$?; [ $status -ne 0 ] && down; exit $status' EXIT

  estate_hosts "$dir"
  for h in web-1 batch-1; do
    local n; n=$(ns "$h")
    mkdir -p "/etc/netns/$n"
    echo "nameserver 127.0.0.1" > "/etc/netns/$n/resolv.conf"
    in_ns "$n" timeout "$SERVICE_LIFETIME" dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
      --listen-address=127.0.0.1 --port=53 --user=dnsmasq --pid-file= --log-facility=- --local=/internal/ \
      --host-record="db.internal,${answer[$h]}" > "$dir/dnsmasq-$h.log" 2>&1 &
  done

  local deadline=$((SECONDS + 30))
  until grep -q started "$dir/dnsmasq-web-1.log" 2>/dev/null && grep -q started "$dir/dnsmasq-batch-1.log" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "dnsmasq did not start" "$dir/dnsmasq-web-1.log"
    sleep 0.1
  done

  estate_env > "$dir/env"
  trap - EXIT
}

case "$action" in
  up) up "${3:?usage: dns-zones.sh up PREFIX DIR}" ;;
  down) down ;;
  *) usage ;;
esac
