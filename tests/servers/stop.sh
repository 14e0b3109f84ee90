#!/usr/bin/env bash
# Stops every server start.sh started under DIR (pid files in DIR/pids), then removes DIR.
# Runs even after failed tests or a half-finished start.sh; never fails.
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
pids=()
if [ -d "$dir/pids" ]; then
  for pidfile in "$dir"/pids/*; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && pids+=("$pid")
  done
fi
# Give graceful shutdowns (postgres, rabbitmq, mariadb) up to 15 s, then force.
deadline=$((SECONDS + 15))
for pid in "${pids[@]}"; do
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
done
# Wine's server for the mongod prefix, and the Erlang port mapper RabbitMQ started on its own port.
if [ -d "$dir/wine" ]; then
  WINEPREFIX="$dir/wine" /usr/lib/wine/wineserver -k 2>/dev/null || true
fi
if [ -f "$dir/epmd-port" ]; then
  fuser -k -TERM "$(cat "$dir/epmd-port")/tcp" >/dev/null 2>&1 || true
fi
# The throwaway login the sshd test server accepts (servers/protocols.sh).
if [ -f "$dir/ssh-user" ]; then
  userdel "$(cat "$dir/ssh-user")" 2>/dev/null || true
fi
rm -rf "$dir"
