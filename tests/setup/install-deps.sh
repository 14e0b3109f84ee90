#!/usr/bin/env bash
# Installs the Debian packages (and npm packages) the tests need. Idempotent: installs only what is missing.
set -euo pipefail
packages=(iproute2 iptables nftables openssl procps psmisc python3)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
