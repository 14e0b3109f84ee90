# Shared by netns.sh and segmented.sh: namespace hosts around one router namespace. Source it after
# setting $prefix, $router, the arrays hosts, address and gateway, and $veth (a one-letter tag that
# keeps this script's veth names apart from the other's). Hosts web-1 and web-2 share the router's
# bridge brweb (gateway $bridge_gateway); every other host gets its own link and gateway.

ns() { echo "$prefix-$1"; }
in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }

# Kills every process in PREFIX-* namespaces (TERM, then KILL after 3 s) and deletes them.
estate_down() {
  local names pids
  names=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$prefix-" || true)
  for n in $names; do
    pids=$(ip netns pids "$n" 2>/dev/null || true)
    [ -n "$pids" ] && kill -TERM $pids 2>/dev/null || true
  done
  for _ in $(seq 1 30); do
    local left=0
    for n in $names; do [ -n "$(ip netns pids "$n" 2>/dev/null || true)" ] && left=1; done
    [ $left = 0 ] && break
    sleep 0.1
  done
  for n in $names; do
    pids=$(ip netns pids "$n" 2>/dev/null || true)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
  done
  for n in $names; do ip netns del "$n" 2>/dev/null || true; done
  local still
  still=$(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$prefix-" || true)
  [ -z "$still" ] || fail "namespaces left behind: $still"
}

# estate_hosts DIR: the router (forwarding on, bridge brweb) and one namespace per host, linked to
# it. host_routes HOST NAMESPACE (defined by the caller) adds each host's routes.
estate_hosts() {
  local dir=$1
  command -v ip >/dev/null && command -v iptables >/dev/null \
    || fail "ip and iptables are needed (apt-get install iproute2 iptables: tests/setup/install-deps.sh)"
  [ "$(id -u)" = 0 ] || fail "network namespaces need root"
  ip netns add "$router" 2>"$dir/netns.err" || fail "cannot create network namespace $router: $(cat "$dir/netns.err")"
  in_ns "$router" ip link set lo up
  in_ns "$router" sysctl -qw net.ipv4.ip_forward=1
  ip -n "$router" link add brweb type bridge
  ip -n "$router" addr add "$bridge_gateway/24" dev brweb
  ip -n "$router" link set brweb up
  local id=${prefix: -6} i=0
  for h in "${hosts[@]}"; do
    i=$((i + 1))
    local n; n=$(ns "$h")
    ip netns add "$n"
    in_ns "$n" ip link set lo up
    ip link add "$veth${id}h$i" netns "$router" type veth peer name eth0 netns "$n"
    ip -n "$n" addr add "${address[$h]}/24" dev eth0
    ip -n "$n" link set eth0 up
    if [ "$h" = web-1 ] || [ "$h" = web-2 ]; then
      ip -n "$router" link set "$veth${id}h$i" master brweb
    else
      ip -n "$router" addr add "${gateway[$h]}/24" dev "$veth${id}h$i"
    fi
    ip -n "$router" link set "$veth${id}h$i" up
    host_routes "$h" "$n"
  done
}

# estate_env: the PREFIX, router and each host's namespace and address, as KEY=VALUE lines.
estate_env() {
  echo "PREFIX=$prefix"
  echo "ROUTER_NS=$router"
  for h in "${hosts[@]}"; do
    local key=${h^^}; key=${key//-/_}
    echo "${key}_NS=$(ns "$h")"
    echo "${key}_ADDR=${address[$h]}"
  done
}
