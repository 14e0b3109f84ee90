#!/usr/bin/env bash
# Median duration of each service check type against the local test servers: runs each type's check
# RUNS times (default 20), one conn-check process at a time, and takes the duration conn-check reports (-d).
# Usage: bash tests/servers/measure.sh DIR [RUNS]   (DIR: a directory tests/servers/start.sh set up)
set -euo pipefail
dir=${1:?usage: measure.sh DIR [RUNS]}
runs=${2:-20}
cd "$(dirname "$0")/../.."
set -a
# shellcheck disable=SC1091
source "$dir/env"
set +a
dll=src/Coordinator/bin/Release/net10.0/conn-check.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
h=127.0.0.1
declare -A checks=(
  [postgres]="{ type: postgres, host: $h, port: $CONNCHECK_TEST_POSTGRES_PORT, username: app, password: '$CONNCHECK_TEST_POSTGRES_PASSWORD', database: app }"
  [postgres-socket]="{ type: postgres, host: '$CONNCHECK_TEST_POSTGRES_SOCKET_DIR', port: $CONNCHECK_TEST_POSTGRES_PORT, username: app, password: '$CONNCHECK_TEST_POSTGRES_PASSWORD', database: app }"
  [mysql]="{ type: mysql, host: $h, port: $CONNCHECK_TEST_MYSQL_PORT, username: app, password: '$CONNCHECK_TEST_MYSQL_PASSWORD', database: app }"
  [mongodb]="{ type: mongodb, host: $h, port: $CONNCHECK_TEST_MONGODB_PORT, username: app, password: '$CONNCHECK_TEST_MONGODB_PASSWORD', database: app }"
  [redis]="{ type: redis, host: $h, port: $CONNCHECK_TEST_REDIS_PORT, password: '$CONNCHECK_TEST_REDIS_PASSWORD' }"
  [memcache]="{ type: memcache, host: $h, port: $CONNCHECK_TEST_MEMCACHE_PORT }"
  [amqp]="{ type: amqp, host: $h, port: $CONNCHECK_TEST_AMQP_PORT, username: app, password: '$CONNCHECK_TEST_AMQP_PASSWORD', vhost: app, use_tls: false }"
  [amqp-tls]="{ type: amqp, host: $h, port: $CONNCHECK_TEST_AMQPS_PORT, username: app, password: '$CONNCHECK_TEST_AMQP_PASSWORD', vhost: app }"
  [smtp]="{ type: smtp, host: $h, port: $CONNCHECK_TEST_SMTP_PORT, use_tls: false, username: app, password: '$CONNCHECK_TEST_SMTP_PASSWORD' }"
  [smtp-starttls]="{ type: smtp, host: $h, port: $CONNCHECK_TEST_SMTP_STARTTLS_PORT, use_tls: false, starttls: true, username: app, password: '$CONNCHECK_TEST_SMTP_PASSWORD' }"
)
printf '%-16s %10s %10s %10s\n' type median_ms min_ms max_ms
for type in postgres postgres-socket mysql mongodb redis memcache amqp amqp-tls smtp smtp-starttls; do
  echo "- ${checks[$type]}" > "$work/$type.yaml"
  : > "$work/$type.ms"
  for _ in $(seq 1 "$runs"); do
    out=$(dotnet "$dll" "$work/$type.yaml" -d --tls-certs-path "$CONNCHECK_TEST_TLS_CA_DIR") || { echo "$type failed: $out" >&2; exit 1; }
    sed -n '2s/.* OK (\([0-9.]*\) ms).*/\1/p' <<< "$out" >> "$work/$type.ms"
  done
  sort -n "$work/$type.ms" | awk -v t="$type" '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%-16s %10.1f %10.1f %10.1f\n", t, m, v[1], v[NR] }'
done
