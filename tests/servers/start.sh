#!/usr/bin/env bash
# Starts the real servers the tests use, on loopback and free ports, with their data under DIR;
# writes DIR/env with CONNCHECK_TEST_* variables (ports, users, passwords) and DIR/pids/* for stop.sh.
# Every wait polls (a port that accepts, a log line, a client ping) with a deadline; no fixed sleeps.
set -euo pipefail
dir=${1:?usage: start.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
dir=$(cd "$dir" && pwd)
mkdir -p "$dir/pids"
# The postgres user must be able to reach its data directory below DIR.
chmod 711 "$dir"
env_file="$dir/env"
: > "$env_file"

put() { echo "CONNCHECK_TEST_$1=$2" >> "$env_file"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
secret() { echo "$1-$(openssl rand -hex 8)"; }
fail() { echo "start.sh: $1" >&2; [ -n "${2:-}" ] && [ -f "$2" ] && tail -n 30 "$2" >&2; exit 1; }

# wait_until SECONDS DESCRIPTION LOG COMMAND...: polls COMMAND every 0.1 s until it succeeds.
wait_until() {
  local limit=$1 what=$2 log=$3
  shift 3
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "$what not ready after ${limit}s" "$log"
    sleep 0.1
  done
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- TLS: a throwaway CA and a server certificate for 127.0.0.1/localhost (RabbitMQ, SMTP) ---
tls="$dir/tls"
mkdir -p "$tls/ca"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=conn-check test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -keyout "$tls/ca.key" -out "$tls/ca/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$tls/ext"
openssl x509 -req -days 30 -in "$tls/server.csr" -CA "$tls/ca/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial \
  -extfile "$tls/ext" -out "$tls/server.pem" 2>/dev/null
put TLS_CA_DIR "$tls/ca"

# --- RabbitMQ first: it is the slowest to boot; waited for last ---
rmq="$dir/rabbitmq"
mkdir -p "$rmq/log" "$rmq/mnesia"
amqp_port=$(free_port); amqps_port=$(free_port); rmq_dist=$(free_port); epmd_port=$(free_port)
amqp_pass=$(secret amqp)
cat > "$rmq/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$amqp_port
listeners.ssl.1 = 127.0.0.1:$amqps_port
ssl_options.cacertfile = $tls/ca/ca.pem
ssl_options.certfile = $tls/server.pem
ssl_options.keyfile = $tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
default_user = app
default_pass = $amqp_pass
default_vhost = app
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
loopback_users = none
EOF
echo '[].' > "$rmq/enabled_plugins"
: > "$rmq/rabbitmq-env.conf"
echo "$epmd_port" > "$dir/epmd-port"
(
  export HOME="$rmq" ERL_EPMD_PORT=$epmd_port \
    RABBITMQ_NODENAME="conncheck-$$@localhost" RABBITMQ_DIST_PORT=$rmq_dist \
    RABBITMQ_CONFIG_FILE="$rmq/rabbitmq.conf" RABBITMQ_CONF_ENV_FILE="$rmq/rabbitmq-env.conf" \
    RABBITMQ_ADVANCED_CONFIG_FILE="$rmq/advanced.config" RABBITMQ_ENABLED_PLUGINS_FILE="$rmq/enabled_plugins" \
    RABBITMQ_MNESIA_BASE="$rmq/mnesia" RABBITMQ_LOG_BASE="$rmq/log" RABBITMQ_PID_FILE="$rmq/pid"
  exec /usr/lib/rabbitmq/bin/rabbitmq-server > "$rmq/stdout.log" 2>&1
) &
echo $! > "$dir/pids/rabbitmq"
put AMQP_PORT "$amqp_port"
put AMQPS_PORT "$amqps_port"
put AMQP_USER app
put AMQP_PASSWORD "$amqp_pass"
put AMQP_VHOST app

# --- MongoDB: mongod.exe under Wine; first without --auth to create the user, then with --auth ---
mongo_exe=/var/cache/conncheck/mongod-7.0.15.exe
[ -f "$mongo_exe" ] || fail "$mongo_exe missing: run tests/setup/install-deps.sh"
mongo="$dir/mongo"
mkdir -p "$mongo/db"
mongo_port=$(free_port)
mongo_pass=$(secret mongo)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEPREFIX="$dir/wine"
start_mongod() {
  /usr/lib/wine/wine64 "$mongo_exe" --setParameter diagnosticDataCollectionEnabled=false --wiredTigerCacheSizeGB 0.25 \
    --dbpath "Z:${mongo//\//\\}\\db" --bind_ip 127.0.0.1 --port "$mongo_port" "$@" > "$mongo/mongod.log" 2>&1 &
  echo $! > "$dir/pids/mongod"
}
start_mongod

# --- PostgreSQL: its own cluster in DIR, scram passwords on TCP and on the unix socket ---
pg="$dir/postgres"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
mkdir -p "$pg/socket"
chown -R postgres: "$pg"
pg_port=$(free_port)
pg_pass=$(secret pg)
runuser -u postgres -- "$pg_bin/initdb" -D "$pg/data" -U postgres -E UTF8 --no-sync \
  --auth-local=trust --auth-host=scram-sha-256 > "$pg/initdb.log" 2>&1 || fail "initdb failed" "$pg/initdb.log"
cat > "$pg/data/pg_hba.conf" <<EOF
local all postgres trust
local all all scram-sha-256
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
EOF
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg/socket -c fsync=off" start > /dev/null || fail "postgres did not start" "$pg/server.log"
head -n 1 "$pg/data/postmaster.pid" > "$dir/pids/postgres"
runuser -u postgres -- "$pg_bin/psql" -q -h "$pg/socket" -p "$pg_port" -U postgres -d postgres \
  -c "CREATE ROLE app LOGIN PASSWORD '$pg_pass'" -c "CREATE DATABASE app OWNER app" > /dev/null
put POSTGRES_PORT "$pg_port"
put POSTGRES_SOCKET_DIR "$pg/socket"
put POSTGRES_USER app
put POSTGRES_PASSWORD "$pg_pass"
put POSTGRES_DATABASE app

# --- MariaDB: datadir in DIR ---
my="$dir/mysql"
mkdir -p "$my"
my_port=$(free_port)
my_pass=$(secret mysql)
mariadb-install-db --no-defaults --datadir="$my/data" --user=root --auth-root-authentication-method=socket \
  --skip-test-db > "$my/install.log" 2>&1 || fail "mariadb-install-db failed" "$my/install.log"
mariadbd --no-defaults --datadir="$my/data" --socket="$my/socket" --port="$my_port" --bind-address=127.0.0.1 \
  --user=root --pid-file="$my/pid" --log-error="$my/error.log" --skip-name-resolve --innodb-buffer-pool-size=16M \
  --skip-log-bin > /dev/null 2>&1 &
echo $! > "$dir/pids/mariadb"

# --- Redis: one with a password (and an ACL user), one without ---
redis="$dir/redis"
mkdir -p "$redis"
redis_port=$(free_port); redis_nopass_port=$(free_port)
redis_pass=$(secret redis); redis_acl_pass=$(secret redisacl)
cat > "$redis/redis.conf" <<EOF
bind 127.0.0.1
port $redis_port
requirepass $redis_pass
user appuser on >$redis_acl_pass ~* &* +@all
save ""
appendonly no
dir $redis
EOF
redis-server "$redis/redis.conf" > "$redis/auth.log" 2>&1 &
echo $! > "$dir/pids/redis"
redis-server --bind 127.0.0.1 --port "$redis_nopass_port" --save "" --appendonly no --dir "$redis" > "$redis/nopass.log" 2>&1 &
echo $! > "$dir/pids/redis-nopass"
put REDIS_PORT "$redis_port"
put REDIS_PASSWORD "$redis_pass"
put REDIS_ACL_USER appuser
put REDIS_ACL_PASSWORD "$redis_acl_pass"
put REDIS_NOPASS_PORT "$redis_nopass_port"

# --- memcached ---
memcache_port=$(free_port)
memcached -l 127.0.0.1 -p "$memcache_port" -U 0 -u root -m 16 -t 1 > "$dir/memcached.log" 2>&1 &
echo $! > "$dir/pids/memcached"
put MEMCACHE_PORT "$memcache_port"

# --- SMTP (aiosmtpd): plain with AUTH, implicit TLS, STARTTLS, HELO-only ---
smtp_port=$(free_port); smtps_port=$(free_port); smtp_starttls_port=$(free_port); smtp_helo_port=$(free_port)
smtp_pass=$(secret smtp)
/usr/bin/python3 "$here/smtp_server.py" "$smtp_port" "$smtps_port" "$smtp_starttls_port" "$smtp_helo_port" "$tls/server.pem" "$tls/server.key" \
  app "$smtp_pass" "$dir/maildir" > "$dir/smtp.log" 2>&1 &
echo $! > "$dir/pids/smtp"
put SMTP_PORT "$smtp_port"
put SMTPS_PORT "$smtps_port"
put SMTP_STARTTLS_PORT "$smtp_starttls_port"
put SMTP_HELO_PORT "$smtp_helo_port"
put SMTP_USER app
put SMTP_PASSWORD "$smtp_pass"
put SMTP_MAILDIR "$dir/maildir"

# --- dns, ssh (servers/protocols.sh) ---
# shellcheck source=tests/servers/protocols.sh
source "$here/protocols.sh"

# --- readiness, slowest last ---
wait_until 30 "redis" "$redis/auth.log" port_open "$redis_port"
wait_until 30 "redis (no password)" "$redis/nopass.log" port_open "$redis_nopass_port"
wait_until 30 "memcached" "$dir/memcached.log" port_open "$memcache_port"
wait_until 30 "smtp" "$dir/smtp.log" grep -q '^ready' "$dir/smtp.log"

wait_until 60 "mariadb" "$my/error.log" mariadb-admin --no-defaults -S "$my/socket" -u root ping
mariadb --no-defaults -S "$my/socket" -u root -e \
  "CREATE DATABASE app; CREATE USER 'app'@'%' IDENTIFIED BY '$my_pass'; GRANT ALL ON app.* TO 'app'@'%';"
put MYSQL_PORT "$my_port"
put MYSQL_USER app
put MYSQL_PASSWORD "$my_pass"
put MYSQL_DATABASE app

wait_until 90 "mongod (setup)" "$mongo/mongod.log" grep -q "Waiting for connections" "$mongo/mongod.log"
python3 "$here/mongo_user.py" "$mongo_port" app "$mongo_pass" app
wait_until 30 "mongod (setup) to exit" "$mongo/mongod.log" bash -c "! kill -0 $(cat "$dir/pids/mongod")"
start_mongod --auth
wait_until 90 "mongod" "$mongo/mongod.log" grep -q "Waiting for connections" "$mongo/mongod.log"
put MONGODB_PORT "$mongo_port"
put MONGODB_USER app
put MONGODB_PASSWORD "$mongo_pass"
put MONGODB_DATABASE app

wait_until 120 "rabbitmq" "$rmq/log/conncheck-$$@localhost.log" port_open "$amqp_port"
wait_until 30 "rabbitmq (TLS)" "$rmq/log/conncheck-$$@localhost.log" port_open "$amqps_port"
echo "servers ready in ${SECONDS}s (env: $env_file)"
