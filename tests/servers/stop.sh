#!/usr/bin/env bash
# Stops every server start.sh started under DIR (pid files in DIR/pids), then removes DIR.
set -uo pipefail
dir=${1:?usage: stop.sh DIR}
if [ -d "$dir/pids" ]; then
  for pidfile in "$dir"/pids/*; do
    [ -e "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  sleep 1
  for pidfile in "$dir"/pids/*; do
    [ -e "$pidfile" ] || continue
    kill -9 "$(cat "$pidfile")" 2>/dev/null || true
  done
fi
rm -rf "$dir"
