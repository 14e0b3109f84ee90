#!/usr/bin/env bash
# Starts the real servers the tests use, on loopback, under DIR; writes DIR/env with their ports.
set -euo pipefail
dir=${1:?usage: start.sh DIR}
: > "$dir/env"
